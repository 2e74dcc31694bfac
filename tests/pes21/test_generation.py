"""The data generation moves with every statement that writes a table the figures read, in the
writer's transaction, and with nothing else."""

import datetime as dt

import pytest
from django.db import connection, transaction

from accompaniment.models import Meeting, Project
from pes21 import generation
from pes21.bulk import insert_records
from pes21.models import ThrottleHit
from tests import factories

pytestmark = pytest.mark.django_db


def _moves(write) -> bool:
    before = generation.current()
    write()
    return generation.current() > before


def test_every_kind_of_write_moves_the_generation():
    project = factories.ProjectFactory()
    table = connection.ops.quote_name(Project._meta.db_table)

    def raw_sql():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET name = %s WHERE id = %s", ["Brut", project.pk])

    writes = {
        "save": lambda: factories.MeetingFactory(project=project),
        "update": lambda: Project.objects.filter(pk=project.pk).update(name="Autre"),
        "bulk_create": lambda: Meeting.objects.bulk_create(
            [Meeting(project=project, date=dt.date(2024, 1, 2), duration_minutes=30)]
        ),
        "insert_records": lambda: insert_records(
            Meeting, [Meeting(project=project, date=dt.date(2024, 1, 3), duration_minutes=30)]
        ),
        "delete": lambda: Meeting.objects.filter(project=project).delete(),
        "many-to-many": lambda: project.holders.add(factories.HolderFactory()),
        "raw SQL": raw_sql,
    }
    assert [name for name, write in writes.items() if not _moves(write)] == []


def test_a_write_no_figure_reads_leaves_it():
    assert not _moves(
        lambda: ThrottleHit.objects.create(key="k", window_start=dt.datetime.now(dt.UTC))
    )
    assert not _moves(lambda: factories.staff_user(username="compte"))


def test_a_delete_or_update_that_touches_no_row_leaves_it():
    # Emptying every table until none holds a row (the round trip's test) ends only so.
    assert not _moves(lambda: Meeting.objects.filter(pk=0).delete())
    assert not _moves(lambda: Project.objects.filter(pk=0).update(name="Aucun"))


def test_a_rolled_back_write_leaves_it():
    before = generation.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.ProjectFactory()
        assert generation.current() > before  # seen by its own transaction only
        raise RuntimeError
    assert generation.current() == before


def test_a_long_writer_moves_it_once_at_its_end():
    project = factories.ProjectFactory()
    before = generation.current()
    with transaction.atomic(), generation.deferred():
        for day in range(1, 4):
            factories.MeetingFactory(project=project, date=dt.date(2024, 1, day))
        assert generation.current() == before
    assert generation.current() == before + 1


def test_a_long_writer_that_wrote_nothing_watched_leaves_it():
    before = generation.current()
    with transaction.atomic(), generation.deferred():
        factories.staff_user(username="compte")
    assert generation.current() == before
