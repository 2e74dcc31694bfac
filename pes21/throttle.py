"""Counters that limit how often something may happen: fixed windows, kept in the database.

Every web process and every server reads the same counters, and a hit is counted by one
atomic statement (an upsert that returns the new count), so two requests at the same instant
can never both take the last allowed use. Keys are hashed before they are stored: they are
often built from an e-mail or a client address, and the counters must not become a log of them.
"""

import datetime as dt
import hashlib

from django.db import connection
from django.utils import timezone

from .models import ThrottleHit


def _hashed(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _window_start(seconds: int, now: dt.datetime | None = None) -> dt.datetime:
    now = now or timezone.now()
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def hit(key: str, *, window_seconds: int, now: dt.datetime | None = None) -> int:
    """Count one more use of `key` in the current window; the count, this use included."""
    table = ThrottleHit._meta.db_table
    quote = connection.ops.quote_name
    window_start = _window_start(window_seconds, now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(table)} (key, window_start, hits) VALUES (%s, %s, 1) "
            f"ON CONFLICT (key, window_start) DO UPDATE SET hits = {quote(table)}.hits + 1 "
            "RETURNING hits",
            # Adapted as the ORM stores it (naive UTC text on SQLite), so lookups find it.
            [_hashed(key), connection.ops.adapt_datetimefield_value(window_start)],
        )
        return cursor.fetchone()[0]


def spend(key: str, *, limit: int, window_seconds: int, now: dt.datetime | None = None) -> bool:
    """Count one use of `key`; False once more than `limit` were counted in the window."""
    return hit(key, window_seconds=window_seconds, now=now) <= limit


def count(key: str, *, window_seconds: int, now: dt.datetime | None = None) -> int:
    """The uses of `key` counted in the current window, without counting one more."""
    row = (
        ThrottleHit.objects.filter(
            key=_hashed(key), window_start=_window_start(window_seconds, now)
        )
        .values_list("hits", flat=True)
        .first()
    )
    return row or 0


def purge(*, older_than: dt.timedelta = dt.timedelta(days=2)) -> int:
    """Forget the windows that ended long ago (a daily task calls it); how many rows went."""
    deleted, _ = ThrottleHit.objects.filter(window_start__lt=timezone.now() - older_than).delete()
    return deleted
