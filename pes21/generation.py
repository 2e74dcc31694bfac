"""The data generation: one number that moves with every write a figure can see.

Figures are costly to compute over twenty years of a large network, and must never be stale:
whatever is cached of them is cached under the generation it was computed at
(`reporting.figure_cache`), and any write to a watched table moves the generation in the
same transaction. A reader reads the generation first, then the figures: figures stored
under a generation are never older than it.

One door for every write: a wrapper on every database connection sees each statement Django
sends — a form's save, `QuerySet.update()`, `bulk_create`, `bulk_update`, a cascade, raw SQL
through Django's cursor — and, when it inserts into, updates or deletes from a watched table,
moves the generation right after it, inside the same transaction (a statement run outside
any transaction commits by itself, and the move right after it: a process killed between the
two would leave the figures one write behind until the next write). Signals would miss the
bulk writes and the raw SQL. Only PostgreSQL's COPY goes around Django's cursor: `pes21.bulk`
calls `touched_table()`.

Long writers (the import, the erasure, a restore) run inside `deferred()`: the generation
moves once, at their end, still inside their transaction, so that the single row it lives in
is not locked for the whole of an import while the staff save their meetings.

Which tables are watched is said by the app that computes the figures (`watch()`, called
from reporting's `ready()`); migrations move the generation once they are done.
"""

import re
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate

from .models import DataGeneration

_WATCHED: set[str] = set()
# Inside `deferred()`: whether a watched write happened, for the block's end to tell.
_deferred: ContextVar[list[bool] | None] = ContextVar("pes21_generation_deferred", default=None)
# Off while migrate runs: the generation's own table may not exist yet.
_migrating: ContextVar[bool] = ContextVar("pes21_generation_migrating", default=False)
_WRITE = re.compile(
    r'\s*(?:(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?|TRUNCATE\b)', re.IGNORECASE
)


def watch(*app_labels: str) -> None:
    """Watch every table of these apps (their many-to-many tables and histories included)."""
    for label in app_labels:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            _WATCHED.add(model._meta.db_table)
    _WATCHED.discard(DataGeneration._meta.db_table)


def watched_tables() -> frozenset[str]:
    return frozenset(_WATCHED)


def current(using: str = DEFAULT_DB_ALIAS) -> int:
    """The generation now (0 before the first write)."""
    table = connections[using].ops.quote_name(DataGeneration._meta.db_table)
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT value FROM {table} WHERE id = 1")  # noqa: S608 - a table name
        row = cursor.fetchone()
    return row[0] if row else 0


def bump(using: str = DEFAULT_DB_ALIAS) -> None:
    """Move the generation, now or at the end of the `deferred()` block around."""
    if _migrating.get():
        return
    written = _deferred.get()
    if written is not None:
        written[0] = True
        return
    _bump_now(using)


def touched_table(db_table: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """A write Django's cursor did not see (COPY) went to this table."""
    if db_table in _WATCHED:
        bump(using)


@contextmanager
def deferred(using: str = DEFAULT_DB_ALIAS):
    """Watched writes inside move the generation once, when the block ends (call it inside
    the writer's transaction, so that the move commits or rolls back with the writes)."""
    if _deferred.get() is not None:
        yield
        return
    written = [False]
    token = _deferred.set(written)
    try:
        yield
    except BaseException:
        _deferred.reset(token)
        # Writes committed before the failure (outside any transaction) must still show.
        if written[0] and not connections[using].in_atomic_block:
            _bump_now(using)
        raise
    _deferred.reset(token)
    if written[0]:
        _bump_now(using)


def _bump_now(using: str) -> None:
    connection = connections[using]
    table = connection.ops.quote_name(DataGeneration._meta.db_table)
    with connection.cursor() as cursor:
        # One statement, atomic, on SQLite and PostgreSQL alike (the row may be gone after
        # a flush); the row stays locked until the transaction ends, so two writers move it
        # one after the other.
        cursor.execute(
            f"INSERT INTO {table} (id, value) VALUES (1, 1) "  # noqa: S608 - a table name
            f"ON CONFLICT (id) DO UPDATE SET value = {table}.value + 1"
        )


def _writes_watched(sql: str, rowcount: int) -> bool:
    match = _WRITE.match(sql)
    if not match:
        return False
    if match.group(1) is None:
        # A TRUNCATE (a flush on PostgreSQL) names many tables: taken as a write to watched ones.
        return True
    if match.group(1) not in _WATCHED:
        return False
    # An UPDATE or DELETE that touched no row changed nothing: emptying tables in a loop
    # until none holds a row must not bring the generation's own row back each time. An
    # INSERT moves it whatever its count, which SQLite tells only once a RETURNING is read.
    return rowcount != 0 or sql.lstrip()[:1].upper() == "I"


def _watch_statements(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if (
        _WATCHED
        and not _migrating.get()
        and _writes_watched(sql, getattr(context["cursor"], "rowcount", -1))
    ):
        # After the write: in a transaction, the two commit together; outside one (a lone
        # save commits by itself, its RETURNING row still to be read), the move commits just
        # after it, so a reader in between keeps figures at least as new as the number.
        bump(context["connection"].alias)
    return result


def _install(sender, connection, **kwargs) -> None:
    if _watch_statements not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_statements)


def _migration_starts(**kwargs) -> None:
    _migrating.set(True)


def _migration_ends(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    # Sent once per app: the generation moves after the last one, and again is harmless.
    _migrating.set(False)
    if DataGeneration._meta.db_table in connections[using].introspection.table_names():
        _bump_now(using)


def connect() -> None:
    """Called from the project app's `ready()`."""
    connection_created.connect(_install, dispatch_uid="pes21_generation_install")
    pre_migrate.connect(_migration_starts, dispatch_uid="pes21_generation_migrating")
    post_migrate.connect(_migration_ends, dispatch_uid="pes21_generation_migrated")
