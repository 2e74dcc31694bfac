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

from pes21.french import format_number as fr


@dataclass(frozen=True)
class PageTarget:
    """A page's target: a median under `ms`, and at most `ratio` times the floor."""

    ms: float | None = None
    ratio: float | None = None

    def words(self) -> str:
        parts = []
        if self.ms is not None:
            parts.append(f"< {fr(self.ms, 0)} ms")
        if self.ratio is not None:
            parts.append(f"≤ {fr(self.ratio, 0)} × plancher")
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


def memory_text(megabytes: float | None) -> str:
    return "inconnue" if megabytes is None else f"{fr(megabytes, 0)} Mo"


def timezone_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


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
            f"{fr(timing.median_ms, 1)} ms, {fr(ratio, 1)} × plancher",
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
            target.append(f"≥ {fr(min_rows_per_second, 0)} lignes/s")
        if max_seconds is not None:
            over.append(seconds / max_seconds - 1)
            target.append(f"< {fr(max_seconds, 0)} s")
        target.append(f"< {fr(max_mb, 0)} Mo")
        self.add(
            f"{label} ({fr(rows, 0)} lignes)",
            f"{fr(seconds, 1)} s, {fr(pace, 0)} lignes/s, {memory_text(memory)}",
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
            missed = f"MANQUÉ de {fr(goal.excess * 100, places)} %"
            verdict = "atteint" if goal.excess <= 0 else missed
            lines.append(
                f"  {goal.label:<{width}}{goal.value:<{value_width}}{goal.target:<34}{verdict}"
            )
        missed = sum(goal.excess > 0 for goal in self.rows)
        lines.append(f"  {missed} objectif(s) manqué(s) sur {len(self.rows)}.")
        return lines
