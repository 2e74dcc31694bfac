"""Export of the activity data: every file of docs/import-format.md, as the importer reads it.

UTF-8 CSV without BOM, `,`, text cells quoted, ISO dates, point decimals, oui/non. The whole
history, or one year: its dated rows, the records active in it, and whatever those rows point
to, so that the files stay importable on their own.
"""

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from django.db import models, transaction
from django.db.models import Q

from accompaniment.models import CollectiveAction, Holder, Meeting, Project
from dla.models import Step, Structure
from followups.models import FollowUp
from generateur.models import TerritorialAction, TerritorialProject, Territory
from pes21.bulk import batches
from pes21.exports import Plain, csv_line
from volunteers.models import Case, Contribution, Volunteer

from . import cells, formats
from .formats import FILES
from .specs import FileSpec, linked_values

# Given a year and the selection of another file (by name), the rows of one file in it.
Pick = Callable[[str], models.QuerySet]
YearSelection = Callable[[int, Pick], models.QuerySet]


def _dated(model: type[models.Model]) -> YearSelection:
    return lambda year, pick: model.objects.filter(date__range=_bounds(year))


def _bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _projects(year: int, pick: Pick) -> models.QuerySet:
    start, end = _bounds(year)
    return Project.objects.filter(
        Q(received_on__range=(start, end))
        | Q(created_on__range=(start, end))
        | Q(pk__in=Project.objects.active_in(year).values("pk"))
        | Q(pk__in=pick(formats.MEETINGS.name).values("project_id"))
        | Q(pk__in=pick(formats.CASES.name).values("project_id"))
        | Q(pk__in=pick(formats.FOLLOW_UPS.name).values("project_id"))
    )


def _steps(year: int, pick: Pick) -> models.QuerySet:
    return Step.objects.filter(
        Q(date__range=_bounds(year))
        | Q(pk__in=pick(formats.FOLLOW_UPS.name).values("engineering_id"))
    )


def _follow_ups(year: int, pick: Pick) -> models.QuerySet:
    """The follow-ups due in the year (those its figures read), with the earlier answers
    about the same structures (a structure stopped before stays stopped)."""
    start, end = _bounds(year)
    due = FollowUp.objects.filter(due_on__range=(start, end))
    return FollowUp.objects.filter(due_on__lte=end).filter(
        Q(project__in=due.values("project_id")) | Q(engineering__in=due.values("engineering_id"))
    )


def _territorial_projects(year: int, pick: Pick) -> models.QuerySet:
    start, end = _bounds(year)
    return TerritorialProject.objects.filter(
        Q(pk__in=TerritorialProject.objects.active_in(year).values("pk"))
        | Q(created_structure_on__range=(start, end))
        | Q(pk__in=pick(formats.TERRITORIAL_ACTIONS.name).values("project_id"))
    )


def _volunteers(year: int, pick: Pick) -> models.QuerySet:
    return Volunteer.objects.filter(
        Q(pk__in=Volunteer.objects.active_in(year).values("pk"))
        | Q(pk__in=pick(formats.CONTRIBUTIONS.name).values("volunteer_id"))
        | Q(pk__in=pick(formats.CASES.name).values("volunteer_id"))
    )


# One year's rows of each file; the order of FILES does not matter, `pick` resolves it.
YEAR_SELECTIONS: dict[str, YearSelection] = {
    formats.HOLDERS.name: lambda year, pick: Holder.objects.filter(
        projects__in=pick(formats.PROJECTS.name)
    ).distinct(),
    formats.PROJECTS.name: _projects,
    formats.MEETINGS.name: _dated(Meeting),
    formats.ACTIONS.name: _dated(CollectiveAction),
    formats.STRUCTURES.name: lambda year, pick: Structure.objects.filter(
        steps__in=pick(formats.STEPS.name)
    ).distinct(),
    formats.STEPS.name: _steps,
    formats.TERRITORIES.name: lambda year, pick: Territory.objects.filter(
        projects__in=pick(formats.TERRITORIAL_PROJECTS.name)
    ).distinct(),
    formats.TERRITORIAL_PROJECTS.name: _territorial_projects,
    formats.TERRITORIAL_ACTIONS.name: _dated(TerritorialAction),
    formats.VOLUNTEERS.name: _volunteers,
    formats.CASES.name: lambda year, pick: Case.objects.filter(
        pk__in=pick(formats.CONTRIBUTIONS.name).values("case_id")
    ),
    formats.CONTRIBUTIONS.name: _dated(Contribution),
    formats.FOLLOW_UPS.name: _follow_ups,
}


def activity_export(*, year: int | None = None) -> dict[str, bytes]:
    """Every file of the format, as UTF-8 CSV bytes (`,`, ISO dates, point decimals).

    The whole content in memory: for tests and small selections. The command, the page and
    the benchmark stream instead (`activity_export_to`, `activity_export_zip_file`).
    """
    files = {}
    for name, lines in _export_files(year):
        files[name] = b"".join(lines)
    return files


def activity_export_to(directory: Path, *, year: int | None = None) -> dict[str, int]:
    """Write every file into `directory`, a chunk of rows at a time; rows written per file.

    Memory holds one chunk of records (`EXPORT_CHUNK`) whatever the size of the history.
    """
    counts = {}
    for name, lines in _export_files(year):
        with (directory / name).open("wb") as out:
            counts[name] = _write_lines(out, lines)
    return counts


def activity_export_zip_file(out: BinaryIO, *, year: int | None = None) -> None:
    """The files in a .zip written to `out` (a file), each streamed into its entry."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, lines in _export_files(year):
            with archive.open(name, "w") as entry:
                _write_lines(entry, lines)


def activity_export_zip(*, year: int | None = None) -> bytes:
    buffer = io.BytesIO()
    activity_export_zip_file(buffer, year=year)
    return buffer.getvalue()


def _write_lines(out: BinaryIO, lines: Iterator[bytes]) -> int:
    """Write the header and rows; the number of rows (the header not counted)."""
    count = -1
    for line in lines:
        out.write(line)
        count += line.count(b"\n")
    return count


def _export_files(year: int | None) -> Iterator[tuple[str, Iterator[bytes]]]:
    """Each file's name and its bytes, a chunk of rows at a time.

    A record created in the application has no ref yet: it gets one here, once and for all,
    so that the exported files can be imported back (updating, never duplicating).
    """
    with transaction.atomic():
        _give_missing_refs()
    querysets = _export_querysets(year)
    for spec in FILES:
        yield spec.name, _export_file(spec, querysets[spec.name])


def _give_missing_refs() -> None:
    for spec in FILES:
        if not spec.has_ref:
            continue
        missing = list(spec.model.objects.filter(Q(ref__isnull=True) | Q(ref="")).only("pk"))
        if not missing:
            continue
        wanted = {obj.pk: f"{spec.ref_prefix}{obj.pk}" for obj in missing}
        taken = set(
            spec.model.objects.filter(ref__in=wanted.values()).values_list("ref", flat=True)
        )
        for obj in missing:
            ref = wanted[obj.pk]
            while ref in taken:
                ref += "-bis"
            taken.add(ref)
            obj.ref = ref
        spec.model.objects.bulk_update(missing, ["ref"])


def _export_querysets(year: int | None) -> dict[str, models.QuerySet]:
    if year is None:
        return {spec.name: spec.model.objects.all() for spec in FILES}
    selected: dict[str, models.QuerySet] = {}

    def pick(name: str) -> models.QuerySet:
        if name not in selected:
            selected[name] = YEAR_SELECTIONS[name](year, pick)
        return selected[name]

    return {spec.name: pick(spec.name) for spec in FILES}


# Records read, and their lists fetched, this many at a time: the export's memory.
EXPORT_CHUNK = 2000


def _export_file(spec: FileSpec, queryset: models.QuerySet) -> Iterator[bytes]:
    plain = [c for c in spec.columns if not spec.model_field(c).many_to_many]
    lists = [c for c in spec.columns if spec.model_field(c).many_to_many]
    names = [c.name for c in plain]
    if spec.export_order:
        order = list(spec.export_order)
    else:
        order = ["ref"] if spec.has_ref else [spec.parent().path, "date", "pk"]
    records = queryset.order_by(*order).values_list("pk", *[c.path for c in plain])
    # The format's own names, unquoted as since the first version.
    yield _csv_lines([[Plain(column.name) for column in spec.columns]])
    for chunk in batches(records.iterator(chunk_size=EXPORT_CHUNK), EXPORT_CHUNK):
        owner_ids = [record[0] for record in chunk]
        linked = {column.name: linked_values(spec, column, owner_ids) for column in lists}
        rows = []
        for record in chunk:
            values = dict(zip(names, record[1:], strict=True))
            for column in lists:
                values[column.name] = linked[column.name].get(record[0], [])
            rows.append([cells.write_cell(values[column.name]) for column in spec.columns])
        yield _csv_lines(rows)


def _csv_lines(rows: list[list[str]]) -> bytes:
    # `,`: the contract's separator since the first version, read back by the importer and
    # by the association's own tools (docs/import-format.md, "Files written").
    return "".join(csv_line(row, delimiter=",", end="\n") for row in rows).encode("utf-8")
