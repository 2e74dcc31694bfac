"""The vocabulary the contract's files are described in (exchange.formats): a column, a file,
a record named by a unique key, a column that fills several models. The importer and the
exporter read a file through these, never asking which model it holds."""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import models

from .cells import TEXT

# Given the column's name and a cell's value, the object it resolves to (unsaved when new).
Resolve = Callable[[str, object], models.Model | None]
# A rule judging several records together (a SIRET held once, twelve hours a day at most):
# given a chunk's records, {position in the list: {attribute: French message}}. Each is an
# app's service function, the one its forms' service calls with a single record.
BatchRule = Callable[[Sequence[models.Model]], dict[int, dict[str, str]]]


@dataclass(frozen=True)
class Named:
    """Records a cell names by a unique key (a consultant by its name), created when missing."""

    model: type[models.Model]
    key: str
    # The other fields of a new record, from the values of the rows naming it.
    defaults: Callable[[list[dict], Resolve], dict] | None = None

    @property
    def max_length(self) -> int | None:
        return self.model._meta.get_field(self.key).max_length


@dataclass(frozen=True)
class Composite:
    """A relation named by several cells together, to a record of a file without ref: a DLA
    engineering by its structure's ref and its date.

    It is looked for among that file's new rows and the database's records of those kinds;
    when several match, the latest entered, as the follow-ups' own rule decides a tie.
    """

    file: str  # the file describing the records: dla_etapes.csv
    # (this file's column, that file's column): the first a reference, the others values.
    parts: tuple[tuple[str, str], ...]
    kinds: tuple[str, ...]  # the values of that file's `kind` it may name
    label: str  # French, for the messages: "ingénierie"

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(mine for mine, _ in self.parts)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = TEXT
    required: bool = False
    choices: type[models.TextChoices] | None = None
    field: str | None = None  # model attribute; None: same as name
    lookup: str | None = None  # values() path of the exported value; None: same as field
    target: str | None = None  # for references: the file whose ref this column holds
    named: Named | None = None  # for names of records outside the files (consultants, skills)
    composite: Composite | None = None  # for cells naming a record together with others

    @property
    def attr(self) -> str:
        return self.field or self.name

    @property
    def path(self) -> str:
        return self.lookup or self.attr


@dataclass(frozen=True)
class FileSpec:
    name: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    # ref files are keyed by their `ref` column; the others by every column of the row.
    has_ref: bool = True
    # The rules of the app judging a record with the others (`BatchRule`): run on each chunk's
    # new or updated records, once each has passed its model's own rules.
    batch_rules: tuple[BatchRule, ...] = ()
    # Files without ref whose rows are keyed by these attributes rather than the whole row: a
    # row with the key of a record updates it, as a ref does.
    key: tuple[str, ...] = ()
    # Fills what the row's cells do not give (a due date, a collective's consultant), by the
    # same model or service function the forms' service calls, before the model's rules;
    # given the instance, {attribute: French message} for what it refuses.
    prepare: Callable[[models.Model], dict[str, str]] | None = None
    # What its rules read of the records its relations point to (a meeting, its project's
    # reception): those fields (True: the whole record, as a follow-up's due date needs), read
    # for each chunk in one query per model. Otherwise a row gets them as ids only.
    reads_related: bool | tuple[str, ...] = False
    export_order: tuple[str, ...] = ()
    ref_prefix: str = ""
    date_column: str = ""
    sheet: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sheet", self.name.removesuffix(".csv"))

    @property
    def by_name(self) -> dict[str, Column]:
        return {column.name: column for column in self.columns}

    @property
    def by_attr(self) -> dict[str, str]:
        return {column.attr: column.name for column in self.columns}

    @property
    def required(self) -> list[str]:
        return [column.name for column in self.columns if column.required]

    def model_field(self, column: Column) -> models.Field:
        return self.model._meta.get_field(column.attr)

    def parent(self) -> Column:
        """The first reference of a file without ref: what its rows belong to."""
        return next(column for column in self.columns if column.target)


def linked_values(spec: FileSpec, column: Column, owner_ids) -> dict[int, list[str]]:
    """A many-to-many column's values (refs or names) per owner id, sorted: one query."""
    model_field = spec.model_field(column)
    through = model_field.remote_field.through
    owner = model_field.m2m_field_name()
    other = model_field.m2m_reverse_field_name()
    key = "ref" if column.target else column.named.key
    pairs = through.objects.filter(**{f"{owner}_id__in": owner_ids})
    linked: dict[int, list[str]] = defaultdict(list)
    for owner_id, value in pairs.values_list(f"{owner}_id", f"{other}__{key}"):
        linked[owner_id].append(value)
    return {owner_id: sorted(values) for owner_id, values in linked.items()}
