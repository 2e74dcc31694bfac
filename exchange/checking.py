"""Reading and checking an activity dataset: every cell, reference and rule of the data.

Each file is read and checked a chunk of rows at a time (IMPORT_CHUNK_ROWS): queries grow
with the chunks, not the rows, since the records a chunk defines or points to are fetched in
bulk, one query per model. Every row gets its model instance, with its values and its
relations set (to an unsaved record when the dataset creates it), and is judged by the rules
a form's record meets (docs/rules.md): its model's field validators and `clean()`, through
`judging.RecordJudge`, then, with the chunk's other rows, the app's service functions that
judge several records at once (`FileSpec.batch_rules`: a SIRET held once, twelve hours a day).
Where the import's verdict differs from a form's, docs/import-format.md says which rule and
why (a form's warnings a person confirms, what only a form asks). A chunk is written once
checked, while no problem has been found (`writing`); nothing here writes.

Files without a ref (rendezvous, dla_etapes, generateur_actions, benevoles_temps) are matched
on the whole row: a row equal, column for column, to a record already in the database is
that record. Importing the same data again therefore changes nothing; a corrected row of
those files is a new record (there is no key to tell which one it corrects).
"""

import contextlib
import datetime as dt
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist
from django.db import models, router

from pes21.bulk import batches, record_maker
from pes21.models import User

from . import cells
from .formats import (
    COMPOSITES,
    FILES,
    SPECS,
    Column,
    Composite,
    FileSpec,
    Named,
)
from .judging import RecordJudge
from .sources import Dataset, Problem, ProblemLog, Table
from .specs import linked_values
from .summary import FileSummary

# Told how far the import has gone (0 to 1) and what it is doing, in French.
Progress = Callable[[float, str], None]


class Tracker:
    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def step(self, label: str, units: int = 0) -> None:
        self.done += units
        if self.progress is not None:
            self.progress(min(self.done / self.total, 1.0), label)


@dataclass(slots=True)  # one per row of the dataset: no per-instance dict
class Row:
    line: int
    values: dict
    bad: set[str] = field(default_factory=set)  # columns whose cell could not be read
    instance: models.Model | None = None
    changed: set[str] = field(default_factory=set)  # attributes that differ from the database
    # What the database held of a changed plain attribute (a status): its rules' transitions.
    previous: dict = field(default_factory=dict)
    m2m_changed: set[str] = field(default_factory=set)  # list columns that differ
    is_new: bool = False
    links: dict[Composite, models.Model] = field(default_factory=dict)  # composites resolved


# A record a dataset names, as kept between chunks: itself while unsaved, else its id.
Kept = models.Model | int


@dataclass(frozen=True, slots=True)
class _Cell:
    """A present column with what checking asks of it on every row, looked up once."""

    column: Column
    name: str
    attr: str
    field: models.Field
    many: bool  # a many-to-many list
    relation: bool


@dataclass(frozen=True)
class _Plan:
    """What checking a file's rows needs, computed once per file rather than once per row."""

    cells: tuple[_Cell, ...]
    # Model fields clean_fields() leaves alone on every row: relations, and what no cell fills.
    exclude: frozenset[str]
    by_name: dict[str, _Cell]
    judge: RecordJudge  # the model's rules, for this file's rows
    new: Callable[[], models.Model]  # a new record of the file's model (`bulk.record_maker`)
    references: tuple[Column, ...] = ()  # the columns naming other records


# Kinds of cell read into an immutable value, remembered by their text for the file.
_REMEMBERED_CELLS = {cells.DATE, cells.INT, cells.DECIMAL, cells.BOOL, cells.CHOICE, cells.USER}

# How many distinct texts a column remembers the reading of: every day of forty years.
_MEMO_SIZE = 16384
_FAILED = object()


def _as_list(value) -> list:
    if value in (None, ""):
        return []
    return value if isinstance(value, list) else [value]


def file_order(name: str) -> int:
    names = [spec.name for spec in FILES]
    return names.index(name) if name in names else -1


class DatasetCheck:
    """Everything known about a dataset once read and checked; `problems` empty if it is fit."""

    def __init__(self, dataset: Dataset, user: User | None, tracker: Tracker) -> None:
        self.dataset = dataset
        self.user = user if user is not None and user.pk else None
        self.tracker = tracker
        # The dataset's own log: what reading found, then what checking finds (bounded).
        self.problems: ProblemLog = dataset.problems
        self.present: dict[str, list[Column]] = {}
        # ref -> record, per ref file; records the dataset creates are unsaved. A saved
        # record is kept by its id only (`Kept`), and read again for the chunks naming it.
        self.objects: dict[str, dict[str, Kept]] = {}
        # The saved records the current chunk names, by model and id (`_record`).
        self._chunk_records: dict[type[models.Model], dict[int, models.Model]] = {}
        # key -> record, per kind of named record (consultants, skills, collectives).
        self.named: dict[Named, dict[str, models.Model]] = {}
        # username -> account; an unknown username is an unsaved account to create.
        self.users: dict[str, User] = {}
        # (file, list column) -> owner id -> the list in the database.
        self.linked: dict[tuple[str, str], dict[int, list[str]]] = {}
        self._defined: dict[str, set[str]] = {}
        # (ref, values...) -> record, per composite: what its cells may name.
        self._candidates: dict[Composite, dict[tuple, Kept]] = {}
        # The new records of a checked file a composite may name, by their key cells.
        self._new_candidates: dict[Composite, dict[tuple, Kept]] = {}
        self._summaries: list[FileSummary] = []
        self._new_usernames: set[str] = set()
        self._plans: dict[str, _Plan] = {}
        # What a file's rows name and the chunk creating it uses: named -> key -> rows' values.
        self.naming: dict[Named, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
        self._empties: dict[str, dict] = {}
        self._unnamed: dict[str, set[int]] = {}
        # Refs already looked up in the database, per file (found or not).
        self._asked: dict[str, set[str]] = {}
        self._candidate_refs: dict[Composite, set] = {}
        self._cell_memos: dict[str, dict[str, dict]] = {}

    @property
    def new_usernames(self) -> list[str]:
        # Known as the chunks naming them are read; they keep being new once written.
        return sorted(self._new_usernames)

    def _plan(self, spec: FileSpec) -> _Plan:
        if spec.name not in self._plans:
            cells_ = tuple(
                _Cell(
                    column=column,
                    name=column.name,
                    attr=column.attr,
                    field=(model_field := spec.model_field(column)),
                    many=model_field.many_to_many,
                    relation=model_field.is_relation,
                )
                for column in self.present[spec.name]
            )
            filled = {cell.attr for cell in cells_}
            exclude = frozenset(
                f.name
                for f in spec.model._meta.concrete_fields
                if f.is_relation or f.name not in filled
            )
            self._plans[spec.name] = _Plan(
                cells=cells_,
                exclude=exclude,
                by_name={cell.name: cell for cell in cells_},
                references=tuple(
                    cell.column for cell in cells_ if cell.column.target or cell.column.named
                ),
                new=record_maker(spec.model),
                judge=RecordJudge(
                    tuple(
                        f
                        for f in spec.model._meta.fields
                        if f.name not in exclude and not f.generated
                    ),
                    spec.prepare,
                ),
            )
        return self._plans[spec.name]

    def problem(self, spec: FileSpec, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(spec.name, line, column, message))

    def sorted_problems(self) -> list[Problem]:
        return sorted(
            self.problems, key=lambda p: (file_order(p.file), p.line, p.column, p.message)
        )

    def check(self, write: Callable[[FileSpec, list[Row]], None] | None = None) -> None:
        """Check each file in the order of FILES, a chunk of rows at a time; `write`, when
        given, saves each chunk as soon as it is checked, as long as no problem has been found
        (the caller rolls the transaction back if a later row has one).

        Once a chunk is checked (and written), its rows are let go: what later rows need of
        it is kept by key only (`_let_go`), so memory holds one chunk of rows, not a file's,
        whatever the size of the dataset.
        """
        for spec in FILES:
            table = self.dataset.tables.get(spec.name)
            if table is None:
                continue
            label = f"Vérification de {spec.name}"
            self.tracker.step(label)
            positions = self._read_header(spec, table)
            self._read_named_rows(spec, table, positions)
            summary = FileSummary(spec.name, str(spec.model._meta.verbose_name_plural))
            state = _FileState()
            for chunk in batches(table.rows(), _chunk_rows()):
                rows = self._read_rows(spec, table, positions, chunk)
                self._chunk_records = {}
                self._load_existing(spec, rows)
                if spec.has_ref:
                    self._check_ref_rows(spec, rows, state)
                elif spec.key:
                    self._check_keyed_rows(spec, rows, state)
                else:
                    self._check_natural_rows(spec, rows, state)
                _count(summary, rows)
                self.tracker.step(label, len(rows))
                written = write is not None and not self.problems
                if written:
                    write(spec, rows)
                self._let_go(spec, rows, written)
            self._summaries.append(summary)
            self.naming.clear()

    def _let_go(self, spec: FileSpec, rows: list[Row], written: bool) -> None:
        """Keep of a checked chunk what later rows look up, by key; its rows go.

        Kept: the refs it defines (a set of strings), its records by ref (`objects`: later
        rows point to them), and the new records a composite of a later file may name (by
        their key cells). A record once written is kept by its id only. Each grows with the
        distinct keys, not with the rows: a file without ref (meetings, steps...) leaves
        nothing but its steps a follow-up names.
        """

        def kept(record: models.Model) -> Kept:
            return record.pk if written and record.pk is not None else record

        if spec.has_ref:
            records = self.objects.setdefault(spec.name, {})
            for row in rows:
                ref = row.values.get("ref")
                if ref:
                    self._defined.setdefault(spec.name, set()).add(ref)
                    if records.get(ref) is row.instance:
                        records[ref] = kept(row.instance)
        for composite in COMPOSITES:
            if composite.file == spec.name:
                self._new_candidates.setdefault(composite, {}).update(
                    (
                        tuple(row.values.get(theirs) for _, theirs in composite.parts),
                        kept(row.instance),
                    )
                    for row in rows
                    if row.is_new and not row.bad and row.values.get("kind") in composite.kinds
                )

    def _record(self, model: type[models.Model], kept: Kept | None) -> models.Model | None:
        """The record kept as itself, or by its id when saved: read with the chunk naming it
        (`_load_existing`, `_load_candidates`), else on its own."""
        if kept is None or isinstance(kept, models.Model):
            return kept
        loaded = self._chunk_records.setdefault(model, {})
        if kept not in loaded:
            loaded |= model.objects.in_bulk([kept])
        return loaded[kept]

    def _read_kept(
        self,
        model: type[models.Model],
        kept: Iterable[Kept | None],
        *,
        whole: bool | tuple[str, ...],
    ) -> None:
        """The saved records a chunk names that it has not read yet, in one query: whole when
        `whole` is True, else knowing their id (what a relation needs) and the fields `whole`
        names that the model has (what the file's rules read of them); any other field would
        be read from the database if a rule asked for it."""
        loaded = self._chunk_records.setdefault(model, {})
        ids = {k for k in kept if k is not None and not isinstance(k, models.Model)} - loaded.keys()
        if not ids:
            return
        if whole is True:
            loaded |= model.objects.in_bulk(ids)
            return
        using, pk = router.db_for_read(model), model._meta.pk.attname
        names = [pk]
        for name in whole or ():
            with contextlib.suppress(FieldDoesNotExist):
                names.append(model._meta.get_field(name).attname)
        rows = (
            model.objects.filter(pk__in=ids).values_list(*names)
            if len(names) > 1
            else ((id_,) for id_ in ids)
        )
        loaded |= {row[0]: model.from_db(using, names, row) for row in rows}

    def target(self, column: Column, value) -> models.Model | None:
        """The record a relation cell points to; unsaved when the dataset creates it."""
        if value in (None, ""):
            return None
        if column.kind == cells.USER:
            return self.users.get(value)
        if column.target:
            kept = self.objects.get(column.target, {}).get(value)
            return self._record(SPECS[column.target].model, kept)
        return self.named.get(column.named, {}).get(value)

    def summaries(self) -> list[FileSummary]:
        return list(self._summaries)

    # --- reading --------------------------------------------------------------------------

    def _read_header(self, spec: FileSpec, table: Table) -> list[tuple[Column, int]]:
        """The known columns of the file and their positions; problems for the others."""
        columns = spec.by_name
        seen: set[str] = set()
        positions: list[tuple[Column, int]] = []
        self._unnamed[spec.name] = set()
        for index, name in enumerate(table.header):
            if name and name in seen:  # columns without a name are not told apart
                self.problem(spec, 1, name, "colonne en double.")
            elif name not in columns:
                if name:
                    self._unknown_column(spec, name)
                else:  # told only if a row has a value there (`_read_rows`)
                    self._unnamed[spec.name].add(index)
            else:
                positions.append((columns[name], index))
            seen.add(name)
        for name in spec.required:
            if name not in seen:
                self.problem(spec, 1, name, "colonne obligatoire absente.")
        self.present[spec.name] = [column for column, _ in positions]
        self._empties[spec.name] = {
            column.name: self._empty(spec, column) for column, _ in positions
        }
        return positions

    def _unknown_column(self, spec: FileSpec, name: str) -> None:
        possible = "colonnes possibles : " + ", ".join(spec.by_name) + "."
        hidden = [char for char in name if _invisible(char)]
        if hidden:
            # "\ufeffref" reads "ref" on screen: say what cannot be seen.
            shown = "".join(char for char in name if not _invisible(char))
            self.problem(
                spec,
                1,
                shown,
                f"colonne inconnue : son nom contient un caractère invisible "
                f"(U+{ord(hidden[0]):04X}) ; retapez-le dans le tableur. {possible}",
            )
            return
        self.problem(spec, 1, name, f"colonne inconnue ; {possible}")

    def _read_rows(
        self,
        spec: FileSpec,
        table: Table,
        positions: list[tuple[Column, int]],
        chunk: list[tuple[int, list[str]]],
    ) -> list[Row]:
        empties = self._empties[spec.name]
        unnamed = self._unnamed[spec.name]
        # The same text in the same column reads the same (a date, a kind, a username): once.
        memos = self._cell_memos.setdefault(
            spec.name,
            {
                column.name: {}
                for column, _ in positions
                if column.kind in _REMEMBERED_CELLS
                and not isinstance(empties[column.name], (list, dict))
            },
        )
        rows = []
        for line, row_cells in chunk:
            row = Row(line, {})
            # Cells beyond the header were told when the file was read (`sources`).
            if unnamed:
                for index in [i for i, text in enumerate(row_cells) if text and i in unnamed]:
                    unnamed.discard(index)
                    self._unknown_column(spec, f"n° {index + 1}")
            for column, index in positions:
                text = row_cells[index] if index < len(row_cells) else ""
                memo = memos.get(column.name)
                value = _FAILED if memo is None else memo.get(text, _FAILED)
                if value is _FAILED:
                    try:
                        value = cells.read_cell(column, text, empties[column.name])
                    except cells.CellError as exc:
                        value = exc
                    if memo is not None and len(memo) < _MEMO_SIZE:
                        memo[text] = value
                if isinstance(value, cells.CellError):
                    row.bad.add(column.name)
                    self.problem(spec, line, column.name, str(value))
                else:
                    row.values[column.name] = value
            rows.append(row)
        return rows

    def _read_named_rows(
        self, spec: FileSpec, table: Table, positions: list[tuple[Column, int]]
    ) -> None:
        """The rows naming a record created with values of its rows (a collective
        engineering takes its earliest row's consultant), read before the chunks: whichever
        chunk creates it, it takes the values of all its rows in the file."""
        naming = [column for column, _ in positions if column.named and column.named.defaults]
        if not naming:
            return
        empties = self._empties[spec.name]
        rows = []
        for line, row_cells in table.rows():
            values = {}
            for column, index in positions:
                text = row_cells[index] if index < len(row_cells) else ""
                with contextlib.suppress(cells.CellError):  # told when the row is checked
                    values[column.name] = cells.read_cell(column, text, empties[column.name])
            keys = [(c.named, key) for c in naming for key in _as_list(values.get(c.name))]
            for named, key in keys:
                self.naming[named][key].append(values)
            if keys:
                rows.append(Row(line, values))
        # What those rows name (a consultant) is there when the record takes its values.
        self._load_existing(spec, rows)

    def _fill_named(self, spec: FileSpec, created: list[tuple[Named, str]]) -> None:
        """A new record named by a file's rows takes the other values its rows give (a
        collective engineering: the start, consultant and theme of its earliest row), before
        the rows are judged: a step then takes them from it as in the forms, and its own
        rules refuse the rows if they leave the consultant or theme empty. Every row of the
        file naming it counts, whichever chunk it is in (`_read_named_rows`)."""

        def resolve(name: str, value) -> models.Model | None:
            return self.target(spec.by_name[name], value)

        for named, key in created:
            if named.defaults is not None:
                record = self.named[named][key]
                for attr, value in named.defaults(self.naming[named][key], resolve).items():
                    setattr(record, attr, value)

    @staticmethod
    def _empty(spec: FileSpec, column: Column):
        model_field = spec.model_field(column)
        if model_field.is_relation:
            return None
        if model_field.has_default():
            return model_field.get_default()
        return None if model_field.null else ""

    def _load_existing(self, spec: FileSpec, rows: list[Row]) -> None:
        """One query per model for the records a chunk defines, points to or names and that
        no earlier chunk asked for."""
        wanted: dict[str, set[str]] = defaultdict(set)
        usernames: set[str] = set()
        names: dict[Named, set[str]] = defaultdict(set)
        for column in self.present[spec.name]:
            if spec.has_ref and column.name == "ref":
                into = wanted[spec.name]
            elif column.target:
                into = wanted[column.target]
            elif column.kind == cells.USER:
                into = usernames
            elif column.named:
                into = names[column.named]
            else:
                continue
            for row in rows:
                into.update(_as_list(row.values.get(column.name)))
        for name, refs in wanted.items():
            asked = self._asked.setdefault(name, set())
            records = self.objects.setdefault(name, {})
            model = SPECS[name].model
            loaded = self._chunk_records.setdefault(model, {})
            unknown = refs - asked - records.keys()
            if unknown:
                found = model.objects.in_bulk(unknown, field_name="ref")
                records.update((ref, record.pk) for ref, record in found.items())
                loaded.update((record.pk, record) for record in found.values())
                asked |= unknown
            whole = True if name == spec.name else spec.reads_related  # its own are updated
            self._read_kept(model, (records.get(ref) for ref in refs), whole=whole)
        usernames -= self.users.keys()
        if usernames:
            self.users |= User.objects.in_bulk(usernames, field_name="username")
            for username in usernames - self.users.keys():
                self.users[username] = User(username=username)
                self._new_usernames.add(username)
        created: list[tuple[Named, str]] = []
        for named, keys in names.items():
            registry = self.named.setdefault(named, {})
            keys -= registry.keys()
            if keys:
                registry |= named.model.objects.in_bulk(keys, field_name=named.key)
                new = keys - registry.keys()
                registry |= {key: named.model(**{named.key: key}) for key in new}
                created.extend((named, key) for key in sorted(new))
        self._fill_named(spec, created)
        if spec.has_ref:
            records = self.objects.get(spec.name, {})
            existing = [
                kept for row in rows if isinstance(kept := records.get(row.values.get("ref")), int)
            ]
            for column in self.present[spec.name]:
                if existing and spec.model_field(column).many_to_many:
                    self.linked.setdefault((spec.name, column.name), {}).update(
                        linked_values(spec, column, existing)
                    )

    # --- checking -------------------------------------------------------------------------

    def _known(self, target: str, ref: str) -> bool:
        # The target file comes earlier in FILES: it is checked, its refs kept (`_let_go`).
        return ref in self.objects.get(target, {}) or ref in self._defined.get(target, ())

    def _check_references(self, spec: FileSpec, row: Row) -> None:
        for column in self._plan(spec).references:
            if column.name in row.bad:
                continue
            for value in _as_list(row.values.get(column.name)):
                if column.target and not self._known(column.target, value):
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

    def _check_ref_rows(self, spec: FileSpec, rows: list[Row], state: "_FileState") -> None:
        plan = self._plan(spec)
        records = self.objects.setdefault(spec.name, {})
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
            instance = self._record(spec.model, records.get(ref))
            row.is_new = instance is None
            row.instance = plan.new() if row.is_new else instance
            if row.is_new:
                # Rows of later files point to it before it is saved.
                records[ref] = row.instance
            self._apply(spec, row)
            self._validate(spec, row)
        self._check_batch(spec, rows)

    def _apply(self, spec: FileSpec, row: Row) -> None:
        """Put the row's values on its instance and note what differs from the database."""
        instance, values, bad, is_new = row.instance, row.values, row.bad, row.is_new
        for cell in self._plan(spec).cells:
            name = cell.name
            if name in bad or name not in values:
                continue
            value = values[name]
            if cell.many:
                if not is_new:
                    current = self.linked.get((spec.name, name), {}).get(instance.pk, [])
                    if set(current) != set(value):
                        row.m2m_changed.add(name)
            elif cell.relation:
                if cell.column.composite:
                    target = row.links.get(cell.column.composite)
                else:
                    target = self.target(cell.column, value)
                current_id = getattr(instance, cell.field.attname)
                differs = is_new or target is None or target.pk != current_id
                if differs and (value is not None or current_id is not None):
                    setattr(instance, cell.attr, target)
                    row.changed.add(cell.attr)
            elif is_new:
                setattr(instance, cell.attr, value)
                row.changed.add(cell.attr)
            elif (current := getattr(instance, cell.attr)) != value:
                row.previous[cell.attr] = current
                setattr(instance, cell.attr, value)
                row.changed.add(cell.attr)

    def _validate(self, spec: FileSpec, row: Row) -> None:
        """The model's own rules, as a form's full_clean runs them (`judging.RecordJudge`);
        what they fill or normalise on a saved record (a collective's consultant, a phone
        number) counts as changed."""
        instance = row.instance
        plan = self._plan(spec)
        if row.bad:
            unreadable = {plan.by_name[name].attr for name in row.bad if name in plan.by_name}
            checked = {cell.attr for cell in plan.cells if cell.name in row.values} - unreadable
            exclude = plan.exclude | {cell.attr for cell in plan.cells if cell.attr not in checked}
        else:  # every cell read: the file's own exclusions only
            exclude = plan.exclude
        fields = spec.model._meta.concrete_fields
        before = None if row.is_new else [getattr(instance, f.attname) for f in fields]
        errors = plan.judge.judge(instance, exclude, complete=not row.bad)
        if before is not None:
            row.changed |= {
                f.name
                for f, value in zip(fields, before, strict=True)
                if getattr(instance, f.attname) != value
            }
        self._refuse(spec, row, errors)

    def _refuse(self, spec: FileSpec, row: Row, errors: dict[str, list[str]]) -> None:
        """Tell each rule's refusal on the column of the attribute it names."""
        if not errors:
            return
        by_attr = spec.by_attr
        for name, messages in errors.items():
            column = by_attr.get(name, spec.columns[0].name if name == NON_FIELD_ERRORS else name)
            row.bad.add(column)
            for message in messages:
                self.problem(spec, row.line, column, message)

    def _check_batch(self, spec: FileSpec, rows: list[Row]) -> None:
        """The app's rules judging records together (a SIRET held once, twelve hours a day
        at most: `FileSpec.batch_rules`), on the chunk's records that passed their own and
        that the import will create or change. What earlier chunks wrote is in the database,
        where the rules look."""
        if not spec.batch_rules:
            return
        judged = [
            row
            for row in rows
            if row.instance is not None
            and not row.bad
            and (row.is_new or row.changed or row.m2m_changed)
        ]
        for rule in spec.batch_rules:
            refused = rule([row.instance for row in judged])
            for position, errors in refused.items():
                row = judged[position]
                self._refuse(spec, row, {name: [message] for name, message in errors.items()})
            judged = [row for row in judged if not row.bad]

    def _check_composites(self, spec: FileSpec, row: Row) -> None:
        """Resolve the cells that name a record together (a structure's ref and a date); the
        candidates of the row's chunk are loaded first (`_load_candidates`)."""
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
            record = self._record(
                SPECS[composite.file].model, self._candidates[composite].get(values)
            )
            if record is None:
                row.bad.add(names[-1])
                shown = ", ".join(_shown(value) for value in values)
                self.problem(
                    spec,
                    row.line,
                    names[-1],
                    f"aucune {composite.label} « {shown} » dans {composite.file} ni dans la base.",
                )
            else:
                row.links[composite] = record

    def _load_candidates(self, spec: FileSpec, rows: list[Row]) -> None:
        """The records a chunk's composite cells may name: the database's, then the new rows
        of its file; on equal keys the latest entered wins (the new rows over the database,
        the later record over the earlier)."""
        for composite in {c.composite for c in self.present[spec.name] if c.composite}:
            found = self._candidates.setdefault(
                composite, dict(self._new_candidates.get(composite, {}))
            )
            asked = self._candidate_refs.setdefault(composite, set())
            target = SPECS[composite.file]
            paths = [target.by_name[theirs].path for _, theirs in composite.parts]
            first = composite.parts[0][0]
            refs = {row.values.get(first) for row in rows} - {None, ""} - asked
            if refs:
                asked |= refs
                records = (
                    target.model.objects.filter(
                        kind__in=composite.kinds, **{f"{paths[0]}__in": refs}
                    )
                    .order_by("pk")
                    .values_list("pk", *paths)
                )
                pks: dict[tuple, int] = {}
                for pk, *values in records:
                    pks[tuple(values)] = pk
                for values, pk in pks.items():
                    found.setdefault(values, pk)
            self._read_kept(
                target.model,
                (found.get(tuple(row.values.get(n) for n in composite.columns)) for row in rows),
                whole=spec.reads_related,
            )

    def _check_keyed_rows(self, spec: FileSpec, rows: list[Row], state: "_FileState") -> None:
        """Rows keyed by some attributes (a follow-up: what it follows, and its year): a row
        with the key of a record in the database updates it."""
        plan = self._plan(spec)
        self._load_candidates(spec, rows)
        for row in rows:
            self._check_references(spec, row)
            self._check_composites(spec, row)
            row.instance, row.is_new = plan.new(), True
            self._apply(spec, row)
        keyed = [row for row in rows if not row.bad]
        existing = self._existing_by_key(spec, [row.instance for row in keyed])
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
                self._apply(spec, row)
        for row in rows:
            self._validate(spec, row)
        self._check_batch(spec, rows)

    @staticmethod
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
        existing, plan = state.existing, self._plan(spec)
        for row in rows:
            self._check_references(spec, row)
            row.instance = plan.new()
            row.is_new = True
            self._apply(spec, row)
            self._validate(spec, row)
            key = _natural_key(present, row)
            if existing[key] > 0:
                existing[key] -= 1
                row.is_new = False
                row.changed = set()
        self._check_batch(spec, rows)


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


def _chunk_rows() -> int:
    return getattr(settings, "IMPORT_CHUNK_ROWS", 5000)


def _count(summary: FileSummary, rows: list[Row]) -> None:
    summary.rows += len(rows)
    for row in rows:
        if row.is_new:
            summary.created += 1
        elif row.changed or row.m2m_changed:
            summary.updated += 1
        else:
            summary.unchanged += 1


def _shown(value) -> str:
    return f"{value:%d/%m/%Y}" if isinstance(value, dt.date) else str(value)


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


def _invisible(char: str) -> bool:
    """A character a spreadsheet shows as nothing: a byte-order mark, a zero-width space, a
    control character, a space other than the ordinary one."""
    return unicodedata.category(char) in ("Cf", "Cc", "Zl", "Zp") or (
        char.isspace() and char != " "
    )
