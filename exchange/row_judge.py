"""A file's rows judged as the forms judge a record: each row's values put on its record (new,
or the database's), the record judged by its model's own rules (`judging.RecordJudge`: field
validators and `clean()`), then the chunk's records by the app's rules that judge several
records at once (`FileSpec.batch_rules`: a SIRET held once, twelve hours a day). Each refusal
is a problem on the row's line, in the column of the attribute it names."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models

from pes21.bulk import record_maker

from .judging import RecordJudge
from .known import KnownRecords
from .rows import Row
from .specs import Column, FileSpec

# Told a problem: (file, line, column, message in French).
Report = Callable[[FileSpec, int, str, str], None]


@dataclass(frozen=True, slots=True)
class _Cell:
    """A present column with what judging asks of it on every row, looked up once."""

    column: Column
    name: str
    attr: str
    field: models.Field
    many: bool  # a many-to-many list
    relation: bool


class RowJudge:
    """The rules of one file's model, for its rows; what it needs is computed once per file
    rather than once per row."""

    def __init__(
        self, spec: FileSpec, present: list[Column], known: KnownRecords, report: Report
    ) -> None:
        self.spec, self.known, self.report = spec, known, report
        self.cells = tuple(
            _Cell(
                column=column,
                name=column.name,
                attr=column.attr,
                field=(model_field := spec.model_field(column)),
                many=model_field.many_to_many,
                relation=model_field.is_relation,
            )
            for column in present
        )
        filled = {cell.attr for cell in self.cells}
        # Model fields clean_fields() leaves alone on every row: relations, what no cell fills.
        self.exclude = frozenset(
            f.name
            for f in spec.model._meta.concrete_fields
            if f.is_relation or f.name not in filled
        )
        self.by_name = {cell.name: cell for cell in self.cells}
        # The columns naming other records.
        self.references = tuple(
            cell.column for cell in self.cells if cell.column.target or cell.column.named
        )
        # A new record of the file's model, several times cheaper than `model()`.
        self.new: Callable[[], models.Model] = record_maker(spec.model)
        self.judge = RecordJudge(
            tuple(
                f for f in spec.model._meta.fields if f.name not in self.exclude and not f.generated
            ),
            spec.prepare,
        )

    def apply(self, row: Row) -> None:
        """Put the row's values on its instance and note what differs from the database."""
        instance, values, bad, is_new = row.instance, row.values, row.bad, row.is_new
        for cell in self.cells:
            name = cell.name
            if name in bad or name not in values:
                continue
            value = values[name]
            if cell.many:
                if not is_new:
                    current = self.known.linked.get((self.spec.name, name), {}).get(instance.pk, [])
                    if set(current) != set(value):
                        row.m2m_changed.add(name)
            elif cell.relation:
                if cell.column.composite:
                    target = row.links.get(cell.column.composite)
                else:
                    target = self.known.target(cell.column, value)
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

    def validate(self, row: Row) -> None:
        """The model's own rules, as a form's full_clean runs them (`judging.RecordJudge`);
        what they fill or normalise on a saved record (a collective's consultant, a phone
        number) counts as changed."""
        instance = row.instance
        if row.bad:
            unreadable = {self.by_name[name].attr for name in row.bad if name in self.by_name}
            checked = {cell.attr for cell in self.cells if cell.name in row.values} - unreadable
            exclude = self.exclude | {cell.attr for cell in self.cells if cell.attr not in checked}
        else:  # every cell read: the file's own exclusions only
            exclude = self.exclude
        fields = self.spec.model._meta.concrete_fields
        before = None if row.is_new else [getattr(instance, f.attname) for f in fields]
        errors = self.judge.judge(instance, exclude, complete=not row.bad)
        if before is not None:
            row.changed |= {
                f.name
                for f, value in zip(fields, before, strict=True)
                if getattr(instance, f.attname) != value
            }
        self.refuse(row, errors)

    def refuse(self, row: Row, errors: dict[str, list[str]]) -> None:
        """Tell each rule's refusal on the column of the attribute it names."""
        if not errors:
            return
        spec = self.spec
        by_attr = spec.by_attr
        for name, messages in errors.items():
            column = by_attr.get(name, spec.columns[0].name if name == NON_FIELD_ERRORS else name)
            row.bad.add(column)
            for message in messages:
                self.report(spec, row.line, column, message)

    def check_batch(self, rows: list[Row]) -> None:
        """The app's rules judging records together (a SIRET held once, twelve hours a day
        at most: `FileSpec.batch_rules`), on the chunk's records that passed their own and
        that the import will create or change. What earlier chunks wrote is in the database,
        where the rules look."""
        if not self.spec.batch_rules:
            return
        judged = [
            row
            for row in rows
            if row.instance is not None
            and not row.bad
            and (row.is_new or row.changed or row.m2m_changed)
        ]
        for rule in self.spec.batch_rules:
            refused = rule([row.instance for row in judged])
            for position, errors in refused.items():
                row = judged[position]
                self.refuse(row, {name: [message] for name, message in errors.items()})
            judged = [row for row in judged if not row.bad]
