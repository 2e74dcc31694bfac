"""The report's and the dashboard's figures, computed once per data generation.

A figure of twenty years of a large network costs hundreds of milliseconds of aggregates; the
data it counts changes a few times an hour. So the figures are kept in the database — every
web process and every server reads the same rows, nothing lives in one process's memory —
under the data generation they were computed at (`pes21.generation`: any write to the data
the figures read moves it, in the write's own transaction). The generation is read first,
then the figures are looked up for it; a miss computes them (the cold build) and stores them:
figures stored under a generation are never older than it, so a page never shows a stale one.

Bounded: one row per (kind, key) — a year of the report, the day of the dashboard — replaced
when the data moved on; the dashboard's rows of other days go when today's is written. A
published edition's figures are frozen in the edition itself and never come from here.

Chosen over figures maintained write by write: the report's figures are ~200 aggregates with
rules across records (a project counted once whatever its meetings, survival three years
later); keeping each up to date at every door would write each rule twice.
"""

import datetime as dt
import json
import time
from collections.abc import Callable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from pes21 import generation

from .models import CachedFigures
from .selectors import Period, dashboard_figures, dashboard_follow_ups, report_figures

REPORT = "rapport"
DASHBOARD = "tableau_de_bord"


def json_ready(figures: dict) -> dict:
    """The figures exactly as the JSON export and the frozen snapshot hold them."""
    return json.loads(json.dumps(figures, cls=DjangoJSONEncoder))


def _cached(kind: str, key: str, build: Callable[[], dict]) -> dict:
    now = generation.current()
    found = (
        CachedFigures.objects.filter(kind=kind, key=key, generation=now)
        .values_list("figures", flat=True)
        .first()
    )
    if found is not None:
        return found
    started = time.perf_counter()
    figures = json_ready(build())
    _store(kind, key, now, figures, round((time.perf_counter() - started) * 1000))
    return figures


def _store(kind: str, key: str, now: int, figures: dict, build_ms: int) -> None:
    """One statement whoever else stores at the same time: never over figures of a later
    generation, which another process may have stored meanwhile."""
    fields = {name: CachedFigures._meta.get_field(name) for name in ("figures", "built_at")}
    table = connection.ops.quote_name(CachedFigures._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, key, generation, figures, built_at, build_ms) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (kind, key) DO UPDATE SET "
            "generation = excluded.generation, figures = excluded.figures, "
            "built_at = excluded.built_at, build_ms = excluded.build_ms "
            f"WHERE {table}.generation < excluded.generation",
            [
                kind,
                key,
                now,
                fields["figures"].get_db_prep_save(figures, connection),
                fields["built_at"].get_db_prep_save(timezone.now(), connection),
                build_ms,
            ],
        )
    if kind == DASHBOARD:
        # A new day's first dashboard: the other days' will not be asked for again.
        CachedFigures.objects.filter(kind=DASHBOARD).exclude(key=key).delete()


def live_report_figures(year: int) -> dict:
    """`selectors.report_figures(year)`, JSON-ready, as of the latest committed write."""
    return _cached(REPORT, str(year), lambda: report_figures(year))


def live_dashboard(today: dt.date) -> dict:
    """The dashboard's figures (`selectors.dashboard_figures`, and its survival blocks
    under "suivis") as of the latest committed write."""

    def build() -> dict:
        figures = dashboard_figures(today)
        for side in ("current", "previous"):
            del figures[side]["period"]  # a Period is not JSON; put back below
        return {**figures, "suivis": dashboard_follow_ups(today)}

    figures = _cached(DASHBOARD, today.isoformat(), build)
    current = Period.year_to_date(today)
    figures["current"]["period"] = current
    figures["previous"]["period"] = current.same_date_previous_year()
    return figures
