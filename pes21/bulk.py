"""Inserting many new records at once, with their history, without the ORM's per-value cost.

`bulk_create_with_history` compiles every value of every row through Django's SQL compiler,
then builds a historical instance per record and compiles those too: an import of the
association's whole history spent two thirds of its time there. Here the ids are reserved
first (a PostgreSQL sequence, or SQLite's highest id under the write lock every transaction
takes: `transaction_mode` IMMEDIATE), each row becomes a tuple of database values, and rows
go to the database by `executemany` (COPY on PostgreSQL), in batches: memory stays bounded.

What the records get is what `bulk_create_with_history` gives them: their ids, `auto_now`
dates, relations to records saved earlier, and one "+" history row each, by `user`, with
`reason`. Like it, no signal is sent and no many-to-many history is written.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from operator import attrgetter

from django.db import connections, models, router, transaction
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

from . import generation

BATCH = 2000
# Every day of forty years: the distinct dates of a column, each converted once.
_DATES_REMEMBERED = 16384
_UNSEEN = object()

# Values the database drivers take as they are: no conversion per value.
_PLAIN = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


def insert_records(
    model: type[models.Model],
    objects: list[models.Model],
    *,
    user=None,
    reason: str = "",
) -> None:
    """Insert new records (no pk yet) and, if the model keeps a history, their "+" rows."""
    if not objects:
        return
    if any(obj.pk is not None for obj in objects):
        raise ValueError("insert_records inserts new records only.")
    using = router.db_for_write(model)
    connection = connections[using]
    relations = [field for field in model._meta.concrete_fields if field.is_relation]
    for obj in objects:
        _link_saved_relations(obj, relations)
    now = timezone.now()
    stamped, computed = _pre_saved(model)
    # One instant for the whole insert, so its database value is computed once.
    for field in stamped:
        # A date is the day in Paris, as Django gives it (timezone.localdate), not in UTC.
        value = timezone.localdate(now) if field.get_internal_type() == "DateField" else now
        for obj in objects:
            setattr(obj, field.attname, value)
    # Like bulk_create: the ids reserved stay locked until used (SQLite), and records are
    # never kept without their history rows, whether or not the caller opened a transaction.
    # The data generation moves once for the whole insert, not once a batch.
    with transaction.atomic(using=using, savepoint=False), generation.deferred(using):
        for obj, pk in zip(objects, _reserve_ids(connection, model, len(objects)), strict=True):
            obj.pk = pk
            for field in computed:
                field.pre_save(obj, add=True)
            obj._state.adding = False
            obj._state.db = using
        _insert(connection, _Table(model, connection), objects)
        if hasattr(model, "history"):
            history = model.history.model
            constants = {
                "history_date": now,
                "history_change_reason": reason or None,
                "history_type": "+",
                "history_user_id": getattr(user, "pk", None),
            }
            _insert(connection, _Table(history, connection, constants), objects)


def _link_saved_relations(obj: models.Model, relations: list[models.Field]) -> None:
    """A relation set to a record unsaved then (a new project's holder) takes its id now."""
    for field in relations:
        if getattr(obj, field.attname) is None and field.is_cached(obj):
            related = field.get_cached_value(obj)
            if related is not None:
                if related.pk is None:
                    raise ValueError(f"{field.name} of a {obj._meta.label} is not saved yet.")
                setattr(obj, field.attname, related.pk)


def _reserve_ids(connection, model: type[models.Model], count: int) -> list[int]:
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            # AUTOINCREMENT never gives an id twice: above the highest ever given, too.
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT max(coalesce((SELECT max({connection.ops.quote_name(column)}) "
                f"FROM {quoted}), 0), coalesce((SELECT seq FROM sqlite_sequence "
                "WHERE name = %s), 0))",
                [table],
            )
            first = cursor.fetchone()[0] + 1
            return list(range(first, first + count))
    raise NotImplementedError(connection.vendor)


def _pre_saved(model: type[models.Model]) -> tuple[list[models.Field], list[models.Field]]:
    """Fields that compute their value when saved: the auto_now dates, the others."""
    fields = [
        field
        for field in model._meta.concrete_fields
        if type(field).pre_save is not models.Field.pre_save
    ]
    stamped = [
        field
        for field in fields
        if isinstance(field, models.DateField)
        and (field.auto_now or field.auto_now_add)
        and type(field).pre_save in (models.DateField.pre_save, models.DateTimeField.pre_save)
    ]
    return stamped, [field for field in fields if field not in stamped]


class _Table:
    """How a record becomes a row of `model`'s table; `constants` fill the columns named."""

    def __init__(self, model, connection, constants: dict | None = None) -> None:
        constants = constants or {}
        fields = [
            field
            for field in model._meta.concrete_fields
            if not (field.primary_key and field.attname == "history_id")
        ]
        read = [field for field in fields if field.attname not in constants]
        fixed = [field for field in fields if field.attname in constants]
        self.db_table = model._meta.db_table
        self.columns = [field.column for field in read + fixed]
        self.get = attrgetter(*(field.attname for field in read))
        self.converters = [
            (index, converter)
            for index, field in enumerate(read)
            if (converter := _converter(field, connection)) is not None
        ]
        self.constants = tuple(
            field.get_db_prep_save(constants[field.attname], connection) for field in fixed
        )
        self.connection = connection

    def row(self, obj) -> tuple:
        values = list(self.get(obj))
        for index, converter in self.converters:
            values[index] = converter(values[index], self.connection)
        return (*values, *self.constants)


def _converter(field, connection) -> Callable | None:
    internal = field.target_field.get_internal_type() if field.is_relation else None
    internal = internal or field.get_internal_type()
    if internal in ("CharField", "TextField"):
        # A TextChoices member is a str subclass, which sqlite3 refuses to bind.
        return _plain_str
    if internal in _PLAIN:
        return None
    return _memo(field.get_db_prep_save)


def _plain_str(value, connection):
    return value if value is None or type(value) is str else str(value)


def _memo(convert: Callable) -> Callable:
    """A value converted once: the same object in row after row (an import's instant) by
    identity, a date met before by equality (a column's dates repeat, and a date converts the
    same whatever object holds it), up to a bound."""
    last: list = [object(), None]
    dates: dict[dt.date, object] = {}

    def converter(value, connection):
        if value is last[0]:
            return last[1]
        if type(value) is dt.date:
            converted = dates.get(value, _UNSEEN)
            if converted is _UNSEEN:
                converted = convert(value, connection)
                if len(dates) < _DATES_REMEMBERED:
                    dates[value] = converted
        else:
            converted = convert(value, connection)
        last[0], last[1] = value, converted
        return converted

    return converter


def _insert(connection, table: _Table, objects: Iterable[models.Model]) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in table.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table.db_table)} ({names}) FROM STDIN") as copy:
                for obj in objects:
                    copy.write_row(table.row(obj))
            # COPY goes around the statements pes21.generation watches.
            generation.touched_table(table.db_table, connection.alias)
            return
        marks = ", ".join(["%s"] * len(table.columns))
        sql = f"INSERT INTO {quote(table.db_table)} ({names}) VALUES ({marks})"
        for batch in batches(map(table.row, objects), BATCH):
            cursor.executemany(sql, batch)


def record_maker(model: type[models.Model]) -> Callable[[], models.Model]:
    """What `model()` gives, a new record with its fields' defaults, several times cheaper.

    `Model.__init__` asks every field for its default on each call, through `setattr`: for an
    import building tens of thousands of records, a sixth of the time of checking a row. Here
    the fixed defaults are looked up once; a computed one (a callable: a new list, the time)
    is computed for each record, as Django does. A model with `pre_init`/`post_init` receivers
    is left to `model()`, which sends them."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model
    fixed, computed = {}, []
    for field in model._meta.concrete_fields:
        if field.generated:
            continue
        if field.has_default() and callable(field.default):
            computed.append(field)
        else:
            fixed[field.attname] = field.get_default()
    new = model.__new__

    def make() -> models.Model:
        record = new(model)
        record._state = ModelState()
        values = record.__dict__
        values.update(fixed)
        for field in computed:
            values[field.attname] = field.get_default()
        return record

    return make


def batches(rows: Iterable, size: int) -> Iterator[list]:
    """Lists of `size` items at most, taken in order (itertools.batched, Python 3.12)."""
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch
