"""`make bench`: server time and SQL queries of the main pages on a large dataset.

Each page is requested through Django's full stack (middleware, sessions, templates) with the
test client, in-process, so the figures are the server's time without network. Every page
is also given as a ratio to the floor (a logged-in page rendering only the base layout, timed in
turn with each page so that both see the same load of the machine) and,
for lists, to the Django admin's list of the same model (what a user could use instead).

The targets of issue 30 (pages, imports, PDF) are checked at the end: `Goals` gathers the
measures, `Goals.lines` prints each target, the value measured, and whether it was missed.
"""

import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class PageTarget:
    """A page's target: a median under `ms`, and at most `ratio` times the floor."""

    ms: float | None = None
    ratio: float | None = None

    def words(self) -> str:
        parts = []
        if self.ms is not None:
            parts.append(f"< {_fr(self.ms, 0)} ms")
        if self.ratio is not None:
            parts.append(f"≤ {_fr(self.ratio, 0)} × plancher")
        return " et ".join(parts)

    def excess(self, median_ms: float, ratio: float) -> float:
        """How far over the target, as a fraction (0 when met): the worse of the two."""
        over = [0.0]
        if self.ms is not None:
            over.append(median_ms / self.ms - 1)
        if self.ratio is not None:
            over.append(ratio / self.ratio - 1)
        return max(over)


# Issue 30's table: every list and the focus form within 4 × the floor.
LIST = PageTarget(ratio=4)


@dataclass
class Page:
    label: str
    url_name: str
    args: Callable[[], list] | None = None
    admin: str | None = None  # admin changelist URL name of the same model
    query: str = ""
    as_volunteer: bool = False
    target: PageTarget | None = None


@dataclass
class Timing:
    median_ms: float
    p95_ms: float
    queries: int
    status: int
    kb: float = 0.0  # size of the page's HTML
    floor_ms: float | None = None  # the floor's median, measured in turn with the page

    def times_floor(self, floor: "Timing") -> float:
        """The page's median over the floor's: the floor measured in turn with it when it was
        (a machine's load changes over the minutes a benchmark takes), else the first one."""
        return self.median_ms / (self.floor_ms or floor.median_ms)


def measure(
    client: Client, url: str, repeat: int, floor: Callable[[], object] | None = None
) -> Timing:
    """Median and 95th percentile of `repeat` requests, after a warm-up; with `floor` (a
    request of the floor page), each request follows one of the floor, timed too."""
    client.get(url)  # warm caches (templates, session)
    durations, floors = [], []
    # The query log is a bounded deque: once full, a capture would count nothing.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    # Counted now: the captured list is read from the log, which the next request resets.
    queries = len(captured)
    for _ in range(repeat):
        if floor is not None:
            start = time.perf_counter()
            floor()
            floors.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        response = client.get(url)
        durations.append((time.perf_counter() - start) * 1000)
    durations.sort()
    p95 = durations[min(len(durations) - 1, round(0.95 * (len(durations) - 1)))]
    return Timing(
        statistics.median(durations),
        p95,
        queries,
        response.status_code,
        len(response.content) / 1024,
        statistics.median(floors) if floors else None,
    )


def peak_mb(func: Callable[[], object]) -> float:
    """Peak Python memory (MB) of one call. Not its time: tracemalloc slows Python down."""
    tracemalloc.start()
    try:
        func()
        _, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak_bytes / 1024 / 1024


def run_pages(
    client: Client,
    admin_client: Client,
    pages: list[Page],
    repeat: int,
    out,
    volunteer_client=None,
    goals: "Goals | None" = None,
) -> None:
    # The floor: a logged-in page that renders the base layout and nothing else.
    floor_url = reverse("search")
    floor = measure(client, floor_url, repeat)
    out(f"{'page':<44}{'médiane':>9}{'p95':>9}{'SQL':>5}{'Ko':>7}{'×plancher':>11}{'×admin':>8}")
    out(
        f"{'plancher (gabarit de base)':<44}{floor.median_ms:>7.1f}ms{floor.p95_ms:>7.1f}ms"
        f"{floor.queries:>5}{floor.kb:>7.0f}{1:>11.1f}{'':>8}"
    )
    largest = ("", 0.0)
    for page in pages:
        try:
            url = reverse(page.url_name, args=page.args() if page.args else None)
        except (NoReverseMatch, LookupError, AttributeError, IndexError) as exc:
            out(f"{page.label:<44} absente ({exc.__class__.__name__})")
            continue
        who = volunteer_client if page.as_volunteer and volunteer_client else client
        timing = measure(who, url + page.query, repeat, floor=lambda: client.get(floor_url))
        ratio_admin = ""
        if page.admin:
            admin = measure(admin_client, reverse(page.admin), repeat)
            ratio_admin = f"{timing.median_ms / admin.median_ms:.2f}"
        flag = "" if timing.status == 200 else f"  (HTTP {timing.status})"
        out(
            f"{page.label:<44}{timing.median_ms:>7.1f}ms{timing.p95_ms:>7.1f}ms"
            f"{timing.queries:>5}{timing.kb:>7.0f}{timing.times_floor(floor):>11.1f}"
            f"{ratio_admin:>8}{flag}"
        )
        if timing.kb > largest[1]:
            largest = (page.label, timing.kb)
        if goals is not None and page.target is not None:
            goals.page(page, timing, floor)
    out(f"Page la plus lourde : {largest[0]}, {largest[1]:.0f} Ko de HTML")


def _biggest(model, related: str):
    """The record with the most related rows: the detail page's worst case."""
    from django.db.models import Count

    return [
        model.objects.annotate(n=Count(related))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)[0]
    ]


def _first(model):
    return [model.objects.order_by("pk").values_list("pk", flat=True)[0]]


def pages() -> list[Page]:
    from django.utils import timezone

    from accompaniment.models import CollectiveAction, Holder, Project
    from dla.models import CollectiveEngineering, Provider, Structure
    from generateur.models import TerritorialProject, Territory
    from volunteers.models import Volunteer

    last_year = timezone.localdate().year - 1
    return [
        Page(
            "Projets (liste)",
            "accompaniment:project_list",
            admin="admin:accompaniment_project_changelist",
            target=LIST,
        ),
        Page(
            "Porteurs (liste)",
            "accompaniment:holder_list",
            admin="admin:accompaniment_holder_changelist",
            target=LIST,
        ),
        Page(
            "Actions collectives (liste)",
            "accompaniment:action_list",
            admin="admin:accompaniment_collectiveaction_changelist",
            target=LIST,
        ),
        Page(
            "Structures DLA (liste)",
            "dla:structure_list",
            admin="admin:dla_structure_changelist",
            target=LIST,
        ),
        Page(
            "Prestataires (liste)",
            "dla:provider_list",
            admin="admin:dla_provider_changelist",
            target=LIST,
        ),
        Page(
            "Ingénieries collectives (liste)",
            "dla:collective_list",
            admin="admin:dla_collectiveengineering_changelist",
            target=LIST,
        ),
        Page("Suivis DLA à faire", "dla:follow_ups", target=LIST),
        Page("Bilan DLA de l'année", "dla:overview_year", lambda: [last_year], target=LIST),
        Page(
            "Territoires (liste)",
            "generateur:territory_list",
            admin="admin:generateur_territory_changelist",
            target=LIST,
        ),
        Page(
            "Projets de territoire (liste)",
            "generateur:project_list",
            admin="admin:generateur_territorialproject_changelist",
            target=LIST,
        ),
        Page(
            "Bénévoles (liste)",
            "volunteers:volunteer_list",
            admin="admin:volunteers_volunteer_changelist",
            target=LIST,
        ),
        Page("Dossiers de co-accompagnement", "volunteers:case_list", target=LIST),
        Page("Tableau des dossiers (bénévole)", "volunteers:board", as_volunteer=True),
        Page("Espace bénévole", "volunteers:my_space", as_volunteer=True),
        Page(
            "Projet (fiche)", "accompaniment:project_detail", lambda: _biggest(Project, "meetings")
        ),
        Page(
            "Porteur (fiche)", "accompaniment:holder_detail", lambda: _biggest(Holder, "projects")
        ),
        Page(
            "Action collective (fiche)",
            "accompaniment:action_detail",
            lambda: _first(CollectiveAction),
        ),
        Page("Structure (fiche)", "dla:structure_detail", lambda: _biggest(Structure, "steps")),
        Page("Prestataire (fiche)", "dla:provider_detail", lambda: _biggest(Provider, "steps")),
        Page(
            "Ingénierie collective (fiche)",
            "dla:collective_detail",
            lambda: _biggest(CollectiveEngineering, "steps"),
        ),
        Page(
            "Territoire (fiche)",
            "generateur:territory_detail",
            lambda: _biggest(Territory, "projects"),
        ),
        Page(
            "Projet de territoire (fiche)",
            "generateur:project_detail",
            lambda: _biggest(TerritorialProject, "actions"),
        ),
        Page("Bénévole (fiche)", "volunteers:volunteer_detail", lambda: _first(Volunteer)),
        Page("Tableau de bord", "reporting:dashboard", target=PageTarget(ms=100, ratio=20)),
        Page(
            "Rapport d'activité (page)",
            "reporting:report",
            lambda: [last_year],
            target=PageTarget(ms=250, ratio=50),
        ),
        Page("Conservation des données (RGPD)", "privacy:retention"),
        *form_pages(),
    ]


def form_pages() -> list[Page]:
    """Every form page, new and edit, on its largest record where it has one (the forms
    that only post, such as a meeting or a step added, are in their record's page)."""
    from accompaniment.models import CollectiveAction, Holder, Meeting, Project
    from dla.models import Provider, Step, Structure
    from generateur.models import TerritorialProject, Territory

    return [
        Page("Projet (nouveau)", "accompaniment:project_create"),
        Page(
            "Projet (modifier)", "accompaniment:project_edit", lambda: _biggest(Project, "meetings")
        ),
        Page("Rendez-vous (modifier)", "accompaniment:meeting_edit", lambda: _first(Meeting)),
        Page("Porteur (nouveau)", "accompaniment:holder_create"),
        Page("Porteur (modifier)", "accompaniment:holder_edit", lambda: _first(Holder)),
        Page("Action collective (nouvelle)", "accompaniment:action_create"),
        Page(
            "Action collective (modifier)",
            "accompaniment:action_edit",
            lambda: _first(CollectiveAction),
        ),
        Page("Structure (nouvelle)", "dla:structure_create"),
        Page("Structure (modifier)", "dla:structure_edit", lambda: _biggest(Structure, "steps")),
        Page("Étape DLA (modifier)", "dla:step_edit", lambda: _first(Step)),
        Page("Prestataire (nouveau)", "dla:provider_create"),
        Page("Prestataire (modifier)", "dla:provider_edit", lambda: _first(Provider)),
        Page("Ingénierie collective (nouvelle)", "dla:collective_create"),
        Page("Territoire (nouveau)", "generateur:territory_create"),
        Page("Territoire (modifier)", "generateur:territory_edit", lambda: _first(Territory)),
        Page("Projet de territoire (nouveau)", "generateur:project_create"),
        Page(
            "Projet de territoire (modifier)",
            "generateur:project_edit",
            lambda: _first(TerritorialProject),
        ),
        Page("Bénévole (nouveau)", "volunteers:volunteer_create"),
        Page("Dossier bénévole (ouvrir)", "volunteers:case_open", lambda: _first(Project)),
        Page("Rapport : textes", "reporting:edition_edit", lambda: [timezone_year() - 1]),
        Page(
            "Rapport : focus (nouveau)",
            "reporting:focus_add",
            lambda: [timezone_year() - 1],
            target=LIST,
        ),
    ]


def volumes() -> list[tuple[str, int]]:
    from accompaniment.models import CollectiveAction, Holder, Meeting, Project
    from dla.models import Step, Structure
    from generateur.models import TerritorialAction, TerritorialProject
    from volunteers.models import Volunteer

    return [
        ("porteurs", Holder.objects.count()),
        ("projets", Project.objects.count()),
        ("rendez-vous", Meeting.objects.count()),
        ("actions collectives", CollectiveAction.objects.count()),
        ("structures", Structure.objects.count()),
        ("étapes DLA", Step.objects.count()),
        ("projets de territoire", TerritorialProject.objects.count()),
        ("actions de territoire", TerritorialAction.objects.count()),
        ("bénévoles", Volunteer.objects.count()),
    ]


def timezone_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


# Runs manage.py, then writes the process's peak resident memory (VmHWM) to stderr. Read
# from /proc rather than getrusage: a child forked from the benchmark (600 MB after
# seeding) would report the benchmark's own peak as its ru_maxrss.
_CHILD = """
import runpy, sys
sys.argv = sys.argv[1:]
try:
    runpy.run_path("manage.py", run_name="__main__")
finally:
    with open("/proc/self/status") as status:
        peak = next(line for line in status if line.startswith("VmHWM:"))
    print(peak.strip(), file=sys.stderr)
"""


def _separate_process_lines(year: int) -> list[str]:
    """JSON and PDF built by `build_report` in a fresh process: its own peak resident memory,
    which is what a server worker needs, without the benchmark's seeding in it."""
    import tempfile
    from pathlib import Path

    lines = []
    for fmt in ("json", "pdf"):
        with tempfile.TemporaryDirectory() as folder:
            output = Path(folder) / f"rapport.{fmt}"
            seconds, memory, _ = _manage(
                ["build_report", "--year", str(year), "--format", fmt, "--output", str(output)]
            )
            size_kb = output.stat().st_size / 1024
        lines.append(
            f"  {fmt.upper():<5}{seconds:>8.2f} s  processus séparé (démarrage compris), "
            f"mémoire résidente maximale {_mo(memory)}, {size_kb:.0f} Ko"
        )
    return lines


def run_builds(goals: "Goals | None" = None) -> list[str]:
    from exchange.samples import SAMPLE_2022
    from exchange.services import activity_import_benchmark
    from reporting.bench import font_subsetter, measure_report, report_build_lines, report_lines

    last_year = measure_report(timezone_year() - 1)
    lines = report_lines(last_year)
    lines.append(f"  sous-ensembles des polices du PDF : {font_subsetter()}")
    if goals is not None:
        pdf = last_year["pdf"]
        goals.add(
            "PDF du rapport, à chaud",
            f"{_fr(pdf['seconds'], 2)} s (CPU {_fr(pdf['cpu'], 2)} s), {pdf['pages']} pages",
            "< 3 s",
            pdf["seconds"] / 3 - 1,
        )
    # The year of the association's own report the demo edition follows (issue 15).
    lines += report_build_lines(2023)
    lines += _separate_process_lines(timezone_year() - 1)
    # Timed on its own: under tracemalloc, Python runs several times slower.
    report = activity_import_benchmark(source=SAMPLE_2022)
    memory = peak_mb(lambda: activity_import_benchmark(source=SAMPLE_2022))
    lines.append(
        f"Import du jeu d'exemple 2022 : {report.seconds:.2f} s "
        f"(pic Python {memory:.1f} Mo, annulé ensuite)"
    )
    return lines


def _manage(args: list[str], database_url: str | None = None) -> tuple[float, float | None, str]:
    """manage.py in a fresh process (on another database): seconds, peak resident memory in
    MB (None where /proc does not tell), stdout."""
    import os
    import re
    import subprocess
    import sys

    from django.conf import settings

    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, "manage.py", *args],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env=os.environ | ({"DATABASE_URL": database_url} if database_url else {}),
    )
    seconds = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    found = re.search(r"VmHWM:\s*(\d+) kB", done.stderr)
    return seconds, int(found.group(1)) / 1024 if found else None, done.stdout


def _mo(megabytes: float | None) -> str:
    return "inconnue" if megabytes is None else f"{megabytes:.0f} Mo"


def _empty_database_url() -> tuple[str, Callable[[], None]]:
    """A new empty database beside the benchmark's, and how to drop it afterwards."""
    import os
    import tempfile
    import urllib.parse
    from pathlib import Path

    from django.db import connection

    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        folder = tempfile.TemporaryDirectory()
        return f"sqlite:///{Path(folder.name) / 'aller-retour.sqlite3'}", folder.cleanup
    name = f"{settings_dict['NAME']}_aller_retour"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')

    # The benchmark's own DATABASE_URL (scripts/with_postgres.sh), with the other name.
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(url._replace(path=f"/{name}")), drop


def _n(number: float) -> str:
    return f"{number:,.0f}".replace(",", "\u202f")


def _csv_rows(path) -> int:
    """Rows of a CSV file, its header not counted (a quoted cell may span lines)."""
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return max(sum(1 for _ in csv.reader(handle)) - 1, 0)


def run_round_trip(goals: "Goals | None" = None) -> list[str]:
    """Export the whole history, import it into an empty database, compare the reports.

    The import runs as `import_activity` does, in its own process; the reports compared are
    `build_report --format json` of the last two years and this one, on both databases.
    """
    import json
    import tempfile
    from pathlib import Path

    lines = []
    with tempfile.TemporaryDirectory() as folder:
        # The export as `export_activity` runs it, in its own process: its time and memory.
        seconds, memory, _ = _manage(["export_activity", folder])
        rows = sum(_csv_rows(path) for path in Path(folder).glob("*.csv"))
        lines.append(
            f"Export de tout l'historique : {seconds:.1f} s, {_n(rows)} lignes "
            f"({_n(rows / seconds)} lignes/s), mémoire résidente maximale {_mo(memory)}"
        )
        url, drop = _empty_database_url()
        try:
            _manage(["migrate", "--noinput", "-v0"], url)
            seconds, memory, _ = _manage(["import_activity", folder], url)
            lines.append(
                f"Import dans une base vide : {seconds:.1f} s (processus séparé), "
                f"{_n(rows / seconds)} lignes/s, mémoire résidente maximale {_mo(memory)}"
            )
            if goals is not None:
                goals.import_row(
                    f"Import de tout l'historique dans un {_vendor()} vide",
                    rows,
                    seconds,
                    memory,
                    max_seconds=90,
                    max_mb=400,
                )
            this_year = timezone_year()
            for year in (this_year - 2, this_year - 1, this_year):
                report = ["build_report", "--year", str(year), "--format", "json"]
                # build_report on both sides: published figures where an edition is published.
                before = json.loads(_manage(report)[2])
                after = json.loads(_manage(report, url)[2])
                lines.append(
                    f"  rapport {year} (JSON) après l'aller-retour : "
                    + ("identique" if after == before else "DIFFÉRENT")
                )
        finally:
            drop()
    return lines


def run_sqlite_import(scale: int = 4, goals: "Goals | None" = None) -> list[str]:
    """The whole history of a network `scale` times the association, exported from SQLite and
    imported into an empty SQLite: each command in a process of its own, start-up included, as
    a person running `import_activity` on a laptop waits for it."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        source = f"sqlite:///{Path(folder) / 'source.sqlite3'}"
        empty = f"sqlite:///{Path(folder) / 'vide.sqlite3'}"
        export = Path(folder) / "export"
        export.mkdir()
        for url in (source, empty):
            _manage(["migrate", "--noinput", "-v0"], url)
        _manage(["seed_demo", "--scale", str(scale)], source)
        _manage(["export_activity", str(export)], source)
        rows = sum(_csv_rows(path) for path in export.glob("*.csv"))
        seconds, memory, _ = _manage(["import_activity", str(export)], empty)
    if goals is not None:
        goals.import_row(
            f"Import de tout l'historique ×{scale} dans un SQLite vide",
            rows,
            seconds,
            memory,
            min_rows_per_second=10_000,
            max_mb=200,
        )
    return [
        f"Import de tout l'historique ×{scale} ({_n(rows)} lignes) dans un SQLite vide : "
        f"{seconds:.1f} s (processus séparé), {_n(rows / seconds)} lignes/s, "
        f"mémoire résidente maximale {_mo(memory)}"
    ]


def _vendor() -> str:
    from django.db import connection

    return {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(
        connection.vendor, connection.vendor
    )


def _fr(number: float, places: int = 1) -> str:
    """A number the French way: 1 234,5."""
    return f"{number:,.{places}f}".replace(",", "\u202f").replace(".", ",")


@dataclass
class Goal:
    label: str
    value: str
    target: str
    excess: float  # how far over the target (0.25: 25 % too slow or too big); <= 0: met


class Goals:
    """Issue 30's targets, with what `make bench` measured against each."""

    def __init__(self) -> None:
        self.rows: list[Goal] = []

    def add(self, label: str, value: str, target: str, excess: float) -> None:
        self.rows.append(Goal(label, value, target, excess))

    def page(self, page: Page, timing: Timing, floor: Timing) -> None:
        ratio = timing.times_floor(floor)
        self.add(
            page.label,
            f"{_fr(timing.median_ms)} ms, {_fr(ratio)} × plancher",
            page.target.words(),
            page.target.excess(timing.median_ms, ratio),
        )

    def import_row(
        self,
        label: str,
        rows: int,
        seconds: float,
        memory: float | None,
        *,
        min_rows_per_second: float | None = None,
        max_seconds: float | None = None,
        max_mb: float,
    ) -> None:
        pace = rows / seconds
        over = [0.0 if memory is None else memory / max_mb - 1]
        target = []
        if min_rows_per_second is not None:
            over.append(min_rows_per_second / pace - 1)
            target.append(f"≥ {_n(min_rows_per_second)} lignes/s")
        if max_seconds is not None:
            over.append(seconds / max_seconds - 1)
            target.append(f"< {_n(max_seconds)} s")
        target.append(f"< {_n(max_mb)} Mo")
        self.add(
            f"{label} ({_n(rows)} lignes)",
            f"{_fr(seconds)} s, {_n(pace)} lignes/s, {_mo(memory)}",
            ", ".join(target),
            max(over),
        )

    def lines(self, scale: int) -> list[str]:
        """The table, each row with its verdict: « atteint », or by how much it was missed."""
        width = max(len(goal.label) for goal in self.rows) + 2
        value_width = max(len(goal.value) for goal in self.rows) + 2
        lines = [
            f"Objectifs (issue 30), données ×{scale} :",
            f"  {'mesure':<{width}}{'valeur':<{value_width}}{'cible':<34}verdict",
        ]
        for goal in self.rows:
            # A miss under 10 % keeps a decimal: « de 0 % » would read as met.
            places = 0 if goal.excess >= 0.1 else 1
            missed = f"MANQUÉ de {_fr(goal.excess * 100, places)} %"
            verdict = "atteint" if goal.excess <= 0 else missed
            lines.append(
                f"  {goal.label:<{width}}{goal.value:<{value_width}}{goal.target:<34}{verdict}"
            )
        missed = sum(goal.excess > 0 for goal in self.rows)
        lines.append(f"  {missed} objectif(s) manqué(s) sur {len(self.rows)}.")
        return lines
