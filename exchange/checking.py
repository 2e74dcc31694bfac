"""Checking an activity dataset: every cell, reference and rule of the data.

Each file is read and checked a chunk of rows at a time (IMPORT_CHUNK_ROWS): queries grow
with the chunks, not the rows, since the records a chunk defines or points to are fetched in
bulk, one query per model. Three units do the work, each on its own:

- `reading.RowReader` reads a file's header and cells into rows;
- `known.KnownRecords` holds what is known across rows, chunks and files (the records the
  dataset defines, the database's records its rows name);
- `row_judge.RowJudge` gives every row its model instance, with its values and its relations
  set (to an unsaved record when the dataset creates it), and judges it by the rules a form's
  record meets (docs/rules.md): its model's field validators and `clean()`, then, with the
  chunk's other rows, the app's service functions that judge several records at once.

What is left here is the order of the work and the rules across rows: a reference to a record
that exists, a ref given once, a row matching a record already saved. Where the import's
verdict differs from a form's, docs/import-format.md says which rule and why. A chunk is
written once checked, while no problem has been found (`writing`); nothing here writes.

Files without a ref (rendezvous, dla_etapes, generateur_actions, benevoles_temps) are matched
on the whole row: a row equal, column for column, to a record already in the database is
that record. Importing the same data again therefore changes nothing; a corrected row of
those files is a new record (there is no key to tell which one it corrects).
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models

from pes21.bulk import batches
from pes21.models import User

from . import cells
from .formats import FILES
from .known import KnownRecords
from .problems import Problem, ProblemLog
from .reading import RowReader
from .row_judge import RowJudge
from .rows import Progress, Row, Tracker, as_list, chunk_rows, count_rows, file_order, shown
from .specs import Column, FileSpec
from .summary import FileSummary
from .tables import Dataset

__all__ = ["DatasetCheck", "Progress", "Row", "Tracker"]


class DatasetCheck:
    """Everything known about a dataset once read and checked; `problems` empty if it is fit."""

    def __init__(self, dataset: Dataset, user: User | None, tracker: Tracker) -> None:
        self.dataset = dataset
        self.user = user if user is not None and user.pk else None
        self.tracker = tracker
        # The dataset's own log: what reading found, then what checking finds (bounded).
        self.problems: ProblemLog = dataset.problems
        self.reader = RowReader(self.problems)
        self.known = KnownRecords()
        self._judges: dict[str, RowJudge] = {}
        self._summaries: list[FileSummary] = []

    @property
    def present(self) -> dict[str, list[Column]]:
        """The known columns of each file read, in its order."""
        return self.reader.present

    @property
    def new_usernames(self) -> list[str]:
        return self.known.new_usernames

    def problem(self, spec: FileSpec, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(spec.name, line, column, message))

    def sorted_problems(self) -> list[Problem]:
        return sorted(
            self.problems, key=lambda p: (file_order(p.file), p.line, p.column, p.message)
        )

    def summaries(self) -> list[FileSummary]:
        return list(self._summaries)

    def _judge(self, spec: FileSpec) -> RowJudge:
        if spec.name not in self._judges:
            self._judges[spec.name] = RowJudge(
                spec, self.present[spec.name], self.known, self.problem
            )
        return self._judges[spec.name]

    def check(self, write: Callable[[FileSpec, list[Row]], None] | None = None) -> None:
        """Check each file in the order of FILES, a chunk of rows at a time; `write`, when
        given, saves each chunk as soon as it is checked, as long as no problem has been found
        (the caller rolls the transaction back if a later row has one).

        Once a chunk is checked (and written), its rows are let go: what later rows need of
        it is kept by key only (`KnownRecords.let_go`), so memory holds one chunk of rows,
        not a file's, whatever the size of the dataset.
        """
        for spec in FILES:
            table = self.dataset.tables.get(spec.name)
            if table is None:
                continue
            label = f"Vérification de {spec.name}"
            self.tracker.step(label)
            positions = self.reader.header(spec, table)
            present = self.present[spec.name]
            # The rows naming a record created with values of its rows (a collective
            # engineering takes its earliest row's consultant), read before the chunks:
            # whichever chunk creates it, it takes the values of all its rows in the file.
            naming = [column for column in present if column.named and column.named.defaults]
            if naming:
                rows = self.reader.values_of_every_row(spec, table, positions, naming)
                self.known.note_naming(naming, rows)
                # What those rows name (a consultant) is there when the record takes its values.
                self.known.load_existing(spec, present, rows)
            summary = FileSummary(spec.name, str(spec.model._meta.verbose_name_plural))
            state = _FileState()
            for chunk in batches(table.rows(), chunk_rows()):
                rows = self.reader.rows(spec, positions, chunk)
                self.known.start_chunk()
                self.known.load_existing(spec, present, rows)
                if spec.has_ref:
                    self._check_ref_rows(spec, rows, state)
                elif spec.key:
                    self._check_keyed_rows(spec, rows, state)
                else:
                    self._check_natural_rows(spec, rows, state)
                count_rows(summary, rows)
                self.tracker.step(label, len(rows))
                written = write is not None and not self.problems
                if written:
                    write(spec, rows)
                self.known.let_go(spec, rows, written)
            self._summaries.append(summary)
            self.known.end_file()

    # --- rules across rows ------------------------------------------------------------------

    def _check_references(self, spec: FileSpec, row: Row) -> None:
        for column in self._judge(spec).references:
            if column.name in row.bad:
                continue
            for value in as_list(row.values.get(column.name)):
                if column.target and not self.known.is_known(column.target, value):
                    row.bad.add(column.name)
                    self.problem(
                        spec,
                        row.line,
                        column.name,
                        f"référence « {value} » introuvable dans {column.target} ni dans la base.",
                    )
                elif column.named and len(value) > (column.named.max_length or len(value)):
                    row.bad.add(column.name)
                    self.problem(
                        spec,
                        row.line,
                        column.name,
                        f"{column.named.max_length} caractères au plus (ici {len(value)}).",
                    )

    def _check_composites(self, spec: FileSpec, row: Row) -> None:
        """Resolve the cells that name a record together (a structure's ref and a date); the
        candidates of the row's chunk are loaded first (`KnownRecords.load_candidates`)."""
        for composite in {c.composite for c in self.present[spec.name] if c.composite}:
            names = composite.columns
            if any(name in row.bad for name in names):
                continue
            values = tuple(row.values.get(name) for name in names)
            if all(value in (None, "") for value in values):
                continue
            pairs = zip(names, values, strict=True)
            missing = [name for name, value in pairs if value in (None, "")]
            for name in missing:
                row.bad.add(name)
                given = ", ".join(n for n in names if n not in missing)
                self.problem(spec, row.line, name, f"valeur manquante : elle va avec {given}.")
            if missing:
                continue
            record = self.known.candidate(composite, values)
            if record is None:
                row.bad.add(names[-1])
                said = ", ".join(shown(value) for value in values)
                self.problem(
                    spec,
                    row.line,
                    names[-1],
                    f"aucune {composite.label} « {said} » dans {composite.file} ni dans la base.",
                )
            else:
                row.links[composite] = record

    def _check_ref_rows(self, spec: FileSpec, rows: list[Row], state: "_FileState") -> None:
        judge = self._judge(spec)
        records = self.known.objects.setdefault(spec.name, {})
        first_line = state.first_line
        for row in rows:
            self._check_references(spec, row)
            ref = row.values.get("ref")
            if not ref:
                continue
            if ref in first_line:
                self.problem(
                    spec,
                    row.line,
                    "ref",
                    f"référence « {ref} » déjà donnée ligne {first_line[ref]}.",
                )
                continue
            first_line[ref] = row.line
            instance = self.known.record(spec.model, records.get(ref))
            row.is_new = instance is None
            row.instance = judge.new() if row.is_new else instance
            if row.is_new:
                # Rows of later files point to it before it is saved.
                records[ref] = row.instance
            judge.apply(row)
            judge.validate(row)
        judge.check_batch(rows)

    def _check_keyed_rows(self, spec: FileSpec, rows: list[Row], state: "_FileState") -> None:
        """Rows keyed by some attributes (a follow-up: what it follows, and its year): a row
        with the key of a record in the database updates it."""
        judge = self._judge(spec)
        self.known.load_candidates(spec, self.present[spec.name], rows)
        for row in rows:
            self._check_references(spec, row)
            self._check_composites(spec, row)
            row.instance, row.is_new = judge.new(), True
            judge.apply(row)
        keyed = [row for row in rows if not row.bad]
        existing = _existing_by_key(spec, [row.instance for row in keyed])
        first_line = state.first_line
        for row in keyed:
            key = _record_key(spec, row.instance)
            if key in first_line:
                row.bad.add(spec.columns[0].name)
                self.problem(
                    spec,
                    row.line,
                    spec.columns[0].name,
                    f"même {spec.model._meta.verbose_name} que la ligne {first_line[key]}.",
                )
                continue
            first_line[key] = row.line
            if key in existing:
                row.instance, row.is_new, row.changed = existing[key], False, set()
                judge.apply(row)
        for row in rows:
            judge.validate(row)
        judge.check_batch(rows)

    def _check_natural_rows(self, spec: FileSpec, rows: list[Row], state: "_FileState") -> None:
        present = self.present[spec.name]
        parent = spec.parent()
        if parent not in present:
            return
        # The database's rows of the parents this chunk names, unless an earlier chunk
        # loaded them: an equal row matches one of them once, across the whole file.
        refs = {row.values.get(parent.name) for row in rows} - {None} - state.parents
        if refs:
            state.parents |= refs
            state.existing.update(
                spec.model.objects.filter(**{f"{parent.path}__in": refs}).values_list(
                    *[column.path for column in present]
                )
            )
        existing, judge = state.existing, self._judge(spec)
        for row in rows:
            self._check_references(spec, row)
            row.instance = judge.new()
            row.is_new = True
            judge.apply(row)
            judge.validate(row)
            key = _natural_key(present, row)
            if existing[key] > 0:
                existing[key] -= 1
                row.is_new = False
                row.changed = set()
        judge.check_batch(rows)


@dataclass
class _FileState:
    """What checking a file keeps from one chunk to the next."""

    first_line: dict = field(default_factory=dict)  # key -> line of the first row with it
    parents: set = field(default_factory=set)  # parent refs whose records are loaded
    existing: Counter = field(default_factory=Counter)  # the database's rows not yet matched


def _natural_key(columns: list[Column], row: Row) -> tuple:
    """A row without ref as the database holds it: its record's values as its rules left them
    (a collective engineering's step carries its consultant, takes its theme and end), the
    records it points to by their key. So a file imported again matches the records its first
    import made."""
    instance, values, bad = row.instance, row.values, row.bad
    key = []
    for column in columns:
        if column.target or column.kind == cells.USER or column.name in bad:
            key.append(values.get(column.name))
        elif column.named:
            related = getattr(instance, column.attr)
            key.append(None if related is None else getattr(related, column.named.key))
        else:
            key.append(getattr(instance, column.attr))
    return tuple(key)


def _existing_by_key(spec: FileSpec, instances: list[models.Model]) -> dict:
    """The records already saved with the keys of these instances: one query."""
    wanted = models.Q()
    for attr in spec.key:
        model_field = spec.model._meta.get_field(attr)
        if model_field.is_relation:
            ids = {getattr(i, model_field.attname) for i in instances} - {None}
            if ids:
                wanted |= models.Q(**{f"{model_field.attname}__in": ids})
    if not wanted:
        return {}
    return {_record_key(spec, record): record for record in spec.model.objects.filter(wanted)}


def _record_key(spec: FileSpec, instance: models.Model) -> tuple:
    """An instance's key: its key attributes, a relation by its id (or, unsaved, its object)."""
    parts = []
    for attr in spec.key:
        model_field = spec.model._meta.get_field(attr)
        if model_field.is_relation:
            pk = getattr(instance, model_field.attname)
            related = getattr(instance, attr) if pk is None else None
            parts.append(("saved", pk) if related is None else ("new", id(related)))
        else:
            parts.append(getattr(instance, attr))
    return tuple(parts)
