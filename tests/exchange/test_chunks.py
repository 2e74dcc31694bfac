"""The import reads, checks and writes each file a chunk of rows at a time (memory bounded):
the chunks must not change what it writes or what it tells."""

import pytest
from django.core.management import call_command

from exchange.services import activity_import
from pes21.models import User

from .conftest import ACTIVITY_MODELS, SAMPLE, canonical_dump, counts, read_rows, write_rows

pytestmark = pytest.mark.django_db

TINY = 2  # every file of the sample spans several chunks


def _summaries(report) -> list[tuple]:
    return [(s.name, s.rows, s.created, s.updated, s.unchanged) for s in report.files]


def _empty_the_database(usernames):
    # Children first: PROTECT relations (territory, provider, collective) forbid the reverse.
    for model in reversed(ACTIVITY_MODELS):
        model.objects.all().delete()
    User.objects.filter(username__in=usernames).delete()


def _created_history() -> int:
    return sum(
        model.history.filter(history_type="+").count()
        for model in ACTIVITY_MODELS
        if hasattr(model, "history")
    )


def test_small_chunks_write_what_one_chunk_writes(settings, tmp_path):
    whole = activity_import(source=SAMPLE)
    expected, expected_counts, history = canonical_dump(), counts(), _created_history()
    call_command("export_activity", str(tmp_path / "export"))
    _empty_the_database(whole.new_users)

    settings.IMPORT_CHUNK_ROWS = TINY
    chunked = activity_import(source=SAMPLE)

    assert chunked.ok, chunked.problems[:5]
    assert _summaries(chunked) == _summaries(whole)
    assert chunked.new_users == whole.new_users
    assert canonical_dump() == expected
    assert {k: v for k, v in counts().items() if k != "history"} == {
        k: v for k, v in expected_counts.items() if k != "history"
    }
    assert _created_history() == 2 * history  # one "+" row per record, each time
    # Its own export, imported again in small chunks into an empty base: the same records
    # (a collective engineering takes its earliest row's consultant whatever the chunk).
    _empty_the_database(whole.new_users)
    again = activity_import(source=tmp_path / "export")
    assert again.ok, again.problems[:5]
    assert canonical_dump() == expected


def test_rows_already_in_the_base_are_matched_across_chunks(settings):
    activity_import(source=SAMPLE)
    before = counts()

    settings.IMPORT_CHUNK_ROWS = TINY
    report = activity_import(source=SAMPLE)

    assert report.ok and report.created == 0 and report.updated == 0
    assert counts() == before


def _broken(sample_dir):
    """A duplicate ref far from its first line, a bad date in the last file's last row."""
    holders = read_rows(sample_dir / "porteurs.csv")
    holders[-1]["ref"] = holders[0]["ref"]
    write_rows(sample_dir / "porteurs.csv", holders)
    meetings = read_rows(sample_dir / "rendezvous.csv")
    meetings[-1]["date"] = "31/02/2022"
    write_rows(sample_dir / "rendezvous.csv", meetings)
    return len(holders) + 1  # the line of the duplicate (the header is line 1)


def test_problems_are_the_same_whatever_the_chunk_size(settings, sample_dir):
    duplicate_line = _broken(sample_dir)
    whole = activity_import(source=sample_dir, dry_run=True)

    settings.IMPORT_CHUNK_ROWS = TINY
    chunked = activity_import(source=sample_dir, dry_run=True)

    assert [str(p) for p in chunked.problems] == [str(p) for p in whole.problems]
    assert any(
        p.file == "porteurs.csv" and p.line == duplicate_line and "ligne 2" in p.message
        for p in chunked.problems
    )
    assert any(p.file == "rendezvous.csv" for p in chunked.problems)


def test_a_problem_in_a_late_chunk_rolls_back_the_chunks_written_before(settings, sample_dir):
    _broken(sample_dir)
    before = counts()
    settings.IMPORT_CHUNK_ROWS = TINY

    report = activity_import(source=sample_dir)

    assert not report.ok and not report.written
    assert counts() == before
