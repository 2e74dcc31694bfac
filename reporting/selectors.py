"""Every figure of the activity report, computed by the database.

Each figure is one function over a `Period`, and the web page, the PDF, the JSON, the
CSV/XLSX export and the dashboard all call these functions, so the numbers on screen and on
paper cannot disagree. A period starts on 1 January of its year and ends on a day of that
year (31 December for the yearly report, today for the year to date), so that each figure
uses its model's named queryset method for the year and only cuts it at the period's end.
The rules are those of the contract (docs/import-format.md, "Yearly figures").
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear

from accompaniment.models import (
    ActionKind,
    CollectiveAction,
    Meeting,
    Programme,
    Project,
    ProjectStatus,
    Series,
    active_in_year,
    created_in_year,
    received_in_year,
)
from dla import selectors as dla_selectors
from dla.models import Step, StepKind
from followups import selectors as followups_selectors
from generateur.models import TerritorialAction, TerritorialProject
from pes21.hours import minutes_to_hours, round_hours
from pes21.models import User
from volunteers import selectors as volunteers_selectors
from volunteers.models import Contribution, Mission, Volunteer

# Workshops with no series are grouped under this key in `ateliers_par_cycle`.
NO_SERIES = "sans_cycle"
HISTORY_YEARS = 5


@dataclass(frozen=True)
class Period:
    """From 1 January of `year` to `until` (31 December when not given), both inclusive."""

    year: int
    until: dt.date | None = None

    def __post_init__(self) -> None:
        if self.until is not None and self.until.year != self.year:
            raise ValueError("A period ends in its own year.")

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        return self.until or dt.date(self.year, 12, 31)

    @property
    def is_whole_year(self) -> bool:
        return self.end == dt.date(self.year, 12, 31)

    @classmethod
    def year_to_date(cls, today: dt.date) -> "Period":
        return cls(today.year, today)

    def same_date_previous_year(self) -> "Period":
        end = self.end
        try:
            until = end.replace(year=end.year - 1)
        except ValueError:  # 29 February
            until = dt.date(end.year - 1, 2, 28)
        return Period(self.year - 1, until)


def _number(value) -> int | float:
    """JSON-friendly number: integers stay integers, decimals become floats."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _distinct_years(periods: list[Period]) -> None:
    """Figures grouped by year need one period per year (a period never spans two)."""
    if len({period.year for period in periods}) != len(periods):
        raise ValueError("One period per year.")


def _any_period(field: str, periods: list[Period]) -> Q:
    """Dated within one of the periods (each from 1 January to its end)."""
    within = Q()
    for period in periods:
        within |= Q(**{f"{field}__range": (period.start, period.end)})
    return within


# --- DLA -------------------------------------------------------------------------------


def _steps(period: Period):
    return dla_selectors.steps_in_year(period.year, period.end)


def _beneficiaries(steps) -> dict:
    """Beneficiary structures (Step.objects.beneficiaries()) and their employees, each once."""
    totals = steps.beneficiaries().aggregate(n=Count("pk"), jobs=Coalesce(Sum("employees"), 0))
    return {"n": totals["n"], "jobs": int(totals["jobs"])}


def dla_figures(period: Period) -> dict:
    """The contract's DLA figures of a period (`dla_figures_by_period`)."""
    return dla_figures_by_period([period])[period]


def dla_figures_by_period(periods: list[Period]) -> dict[Period, dict]:
    """The contract's DLA figures of several periods, in two queries whatever their number:
    the steps grouped by year, and the beneficiary structures counted for each period."""
    _distinct_years(periods)
    by_year = {
        row.pop("year"): row
        for row in Step.objects.filter(_any_period("date", periods))
        .annotate(year=ExtractYear("date"))
        .values("year")
        .order_by("year")
        .annotate(
            structures_accueillies=Count(
                "structure", filter=Q(kind=StepKind.RECEPTION), distinct=True
            ),
            diagnostics=Count("pk", filter=Q(kind=StepKind.DIAGNOSIS)),
            ingenieries_individuelles=Count("pk", filter=Q(kind=StepKind.INDIVIDUAL_ENGINEERING)),
            ingenieries_collectives=dla_selectors.collective_engineerings_count(),
            ingenieries_collectives_structures=Count(
                "structure", filter=Q(kind=StepKind.COLLECTIVE_ENGINEERING), distinct=True
            ),
            suivis_post=Count("pk", filter=Q(kind=StepKind.POST_FOLLOW_UP)),
        )
    }
    beneficiaries = _beneficiaries_by_period(periods)
    empty = dict.fromkeys(
        [
            "structures_accueillies",
            "diagnostics",
            "ingenieries_individuelles",
            "ingenieries_collectives",
            "ingenieries_collectives_structures",
            "suivis_post",
        ],
        0,
    )
    result = {}
    for period in periods:
        figures = dict(by_year.get(period.year, empty))
        figures["structures_beneficiaires"] = beneficiaries[period]["n"]
        figures["emplois_consolides"] = beneficiaries[period]["jobs"]
        result[period] = figures
    return result


def _beneficiaries_by_period(periods: list[Period]) -> dict[Period, dict]:
    """`_beneficiaries` of each period's steps, in one query over the structures that are
    beneficiaries in one of the periods (not every structure ever recorded)."""
    aggregates = {}
    for index, period in enumerate(periods):
        beneficiary = Q(pk__in=_steps(period).beneficiary_structure_ids())
        aggregates[f"n{index}"] = Count("pk", filter=beneficiary)
        aggregates[f"jobs{index}"] = Coalesce(Sum("employees", filter=beneficiary), 0)
    totals = (
        Step.objects.filter(_any_period("date", periods)).beneficiaries().aggregate(**aggregates)
    )
    return {
        period: {"n": totals[f"n{index}"], "jobs": int(totals[f"jobs{index}"])}
        for index, period in enumerate(periods)
    }


def dla_engineering_means(period: Period) -> dict:
    """Money and consultant days engaged in engineerings (individual and collective), as the
    DLA overview sums them (dla.selectors.engineering_totals)."""
    totals = dla_selectors.engineering_totals(period.year, period.end)
    return {"cout_eur": _number(totals["cost"]), "jours": _number(totals["days"])}


def dla_engineerings_by_theme(period: Period) -> list[dict]:
    """Engineerings per theme, as the DLA overview counts them (dla.selectors: an engineering
    without a theme counts under « Sans thème »); most engineerings first."""
    rows = dla_selectors.engineering_totals_by_theme(period.year, period.end)
    # A handful of themes: sorted here by count, where the overview sorts them by cost.
    rows.sort(key=lambda row: (-row["engineerings"], row["theme"]))
    return [{"theme": row["theme"], "ingenieries": row["engineerings"]} for row in rows]


# --- Creation and take-over ------------------------------------------------------------


def _received_rule(period: Period) -> Q:
    return received_in_year(period.year) & Q(received_on__lte=period.end)


def _accompanied_rule(period: Period) -> Q:
    return active_in_year(period.year) & Q(started_on__lte=period.end)


def _created_rule(period: Period) -> Q:
    return created_in_year(period.year) & Q(created_on__lte=period.end)


def creation_figures(period: Period) -> dict:
    """The contract's figures: Bénéfices'Créa projects only (`creation_figures_by_period`)."""
    return creation_figures_by_period([period])[period]


def creation_figures_by_period(periods: list[Period]) -> dict[Period, dict]:
    """`creation_figures` of several periods in one pass over the projects: each figure of
    each period counts the projects that meet its rule (`_received_rule`, ...)."""
    aggregates = {}
    for index, period in enumerate(periods):
        created = _created_rule(period)
        aggregates |= {
            f"received{index}": Count("pk", filter=_received_rule(period)),
            f"accompanied{index}": Count("pk", filter=_accompanied_rule(period)),
            f"created{index}": Count("pk", filter=created),
            f"jobs{index}": Coalesce(Sum("jobs_created", filter=created), 0),
        }
    totals = Project.objects.in_programme(Programme.BENEFICES_CREA).aggregate(**aggregates)
    return {
        period: {
            "projets_accueillis": totals[f"received{index}"],
            "projets_accompagnes": totals[f"accompanied{index}"],
            "structures_creees": totals[f"created{index}"],
            "emplois_crees": int(totals[f"jobs{index}"]),
        }
        for index, period in enumerate(periods)
    }


def creation_by_programme(period: Period) -> list[dict]:
    """Received, accompanied, created and jobs for every programme: one pass over the
    projects of any of the three rules, one over the meetings."""
    received, accompanied, created = (
        _received_rule(period),
        _accompanied_rule(period),
        _created_rule(period),
    )
    projects = {
        row["programme"]: row
        for row in Project.objects.filter(received | accompanied | created)
        .values("programme")
        .order_by()
        .annotate(
            received=Count("pk", filter=received),
            accompanied=Count("pk", filter=accompanied),
            created=Count("pk", filter=created),
            jobs=Coalesce(Sum("jobs_created", filter=created), 0),
        )
    }
    meetings = {
        row["project__programme"]: row
        for row in _meetings(period)
        .values("project__programme")
        .annotate(n=Count("pk"), minutes=Coalesce(Sum("duration_minutes"), 0))
    }
    rows = []
    for code, label in Programme.choices:
        row = {
            "programme": code,
            "libelle": label,
            "projets_accueillis": projects.get(code, {}).get("received", 0),
            "projets_accompagnes": projects.get(code, {}).get("accompanied", 0),
            "structures_creees": projects.get(code, {}).get("created", 0),
            "emplois_crees": int(projects.get(code, {}).get("jobs", 0)),
            "rendez_vous": meetings.get(code, {}).get("n", 0),
            "heures": _number(minutes_to_hours(meetings.get(code, {}).get("minutes"))),
        }
        if any(value for key, value in row.items() if key not in ("programme", "libelle")):
            rows.append(row)
    return rows


def _meetings(period: Period):
    return Meeting.objects.in_year(period.year).filter(date__lte=period.end)


def meeting_figures(period: Period) -> dict:
    """Meetings held with project holders and the time they took (all programmes)."""
    totals = _meetings(period).aggregate(
        n=Count("pk"),
        minutes=Coalesce(Sum("duration_minutes"), 0),
        projets=Count("project", distinct=True),
    )
    return {
        "rendez_vous": totals["n"],
        "heures": _number(minutes_to_hours(totals["minutes"])),
        "projets_rencontres": totals["projets"],
    }


# --- Awareness and training (collective actions) ---------------------------------------


def _actions(period: Period):
    return CollectiveAction.objects.in_year(period.year).filter(date__lte=period.end)


def sensibilisation_figures(period: Period) -> dict:
    return sensibilisation_figures_by_period([period])[period]


def sensibilisation_figures_by_period(periods: list[Period]) -> dict[Period, dict]:
    """The workshops and trainings of several periods: one query grouped by year and series."""
    _distinct_years(periods)
    rows = (
        CollectiveAction.objects.filter(_any_period("date", periods))
        .annotate(year=ExtractYear("date"))
        .values("year", "series")
        .order_by("year", "series")
        .annotate(
            ateliers_pes=Count("pk", filter=Q(kind=ActionKind.WORKSHOP, animated_by_pes=True)),
            ateliers_collectif=Count("pk", filter=Q(kind=ActionKind.WORKSHOP)),
            formations=Count("pk", filter=Q(kind=ActionKind.TRAINING)),
        )
    )
    series_order = [code for code, _ in Series.choices]
    result = {
        period.year: {
            "ateliers_pes": 0,
            "ateliers_par_cycle": {},
            "ateliers_collectif": 0,
            "formations": 0,
        }
        for period in periods
    }
    for row in rows:
        figures = result[row["year"]]
        for key in ("ateliers_pes", "ateliers_collectif", "formations"):
            figures[key] += row[key]
        if row["ateliers_pes"]:
            figures["ateliers_par_cycle"][row["series"] or NO_SERIES] = row["ateliers_pes"]
    for figures in result.values():
        figures["ateliers_par_cycle"] = dict(
            sorted(
                figures["ateliers_par_cycle"].items(),
                key=lambda item: (
                    series_order.index(item[0]) if item[0] in series_order else len(series_order)
                ),
            )
        )
    return {period: result[period.year] for period in periods}


def collective_action_details(period: Period) -> dict:
    """Workshops, trainings and events the association animates (`actions_animees`, counted by
    the rule of their participants and hours: animated by the Pôle), and its events alone."""
    totals = (
        _actions(period)
        .animated_by_pes()
        .aggregate(
            actions_animees=Count("pk"),
            evenements=Count("pk", filter=Q(kind=ActionKind.EVENT)),
            participants=Coalesce(Sum("participants"), 0),
            heures=Coalesce(Sum("hours"), Decimal(0)),
        )
    )
    trainings = (
        _actions(period)
        .trainings()
        .values("organisation")
        .annotate(n=Count("pk"))
        .order_by("-n", "organisation")
    )
    return {
        "actions_animees": totals["actions_animees"],
        "evenements": totals["evenements"],
        "participants": int(totals["participants"]),
        "heures": _number(round_hours(totals["heures"])),
        "formations_par_organisme": [
            {"organisme": row["organisation"] or "Non précisé", "formations": row["n"]}
            for row in trainings
        ],
    }


# --- Générateur ------------------------------------------------------------------------


def _territorial_projects(period: Period):
    return TerritorialProject.objects.active_in(period.year).filter(started_on__lte=period.end)


def generateur_figures(period: Period) -> dict:
    return generateur_figures_by_period([period])[period]


def generateur_figures_by_period(periods: list[Period]) -> dict[Period, dict]:
    totals = TerritorialProject.objects.aggregate(
        **{
            f"n{index}": Count("pk", filter=Q(pk__in=_territorial_projects(period).values("pk")))
            for index, period in enumerate(periods)
        }
    )
    return {
        period: {"projets_accompagnes": totals[f"n{index}"]} for index, period in enumerate(periods)
    }


def generateur_details(period: Period) -> dict:
    actions = (
        TerritorialAction.objects.in_year(period.year)
        .filter(date__lte=period.end)
        .aggregate(n=Count("pk"), participants=Coalesce(Sum("participants"), 0))
    )
    created = TerritorialProject.objects.filter(
        created_structure_on__range=(period.start, period.end)
    ).count()
    return {
        "actions": actions["n"],
        "participants": int(actions["participants"]),
        "structures_creees": created,
    }


def generateur_by_territory(period: Period) -> list[dict]:
    """The territorial projects active in the period, with their actions in it."""
    in_period = Q(actions__date__range=(period.start, period.end))
    rows = (
        _territorial_projects(period)
        .annotate(
            n_actions=Count("actions", filter=in_period),
            n_participants=Coalesce(Sum("actions__participants", filter=in_period), 0),
        )
        # The ref breaks ties between namesakes, so the order survives an export and re-import.
        .order_by("territory__name", "name", "ref")
        # Values, not instances: a report lists every project of the year.
        .values(
            "territory__name",
            "name",
            "phase",
            "created_structure_name",
            "n_actions",
            "n_participants",
        )
    )
    phases = dict(TerritorialProject._meta.get_field("phase").flatchoices)
    return [
        {
            "territoire": row["territory__name"],
            "projet": row["name"],
            "phase": phases.get(row["phase"], row["phase"]),
            "actions": row["n_actions"],
            "participants": int(row["n_participants"]),
            "structure_creee": row["created_structure_name"],
        }
        for row in rows
    ]


# --- Associative life ------------------------------------------------------------------


def _active_volunteers(period: Period):
    return Volunteer.objects.active_in(period.year).filter(joined_on__lte=period.end)


def vie_associative_figures(period: Period) -> dict:
    return vie_associative_figures_by_period([period])[period]


def vie_associative_figures_by_period(periods: list[Period]) -> dict[Period, dict]:
    totals = Volunteer.objects.aggregate(
        **{
            f"n{index}": Count("pk", filter=Q(pk__in=_active_volunteers(period).values("pk")))
            for index, period in enumerate(periods)
        }
    )
    return {
        period: {"benevoles_actifs": totals[f"n{index}"]} for index, period in enumerate(periods)
    }


def volunteer_hours_by_mission(period: Period) -> list[dict]:
    """Volunteers' hours by mission (every mission, zero included), with its French label."""
    hours = volunteers_selectors.volunteer_hours_by_mission(start=period.start, end=period.end)
    labels = dict(Mission.choices)
    return [
        {"mission": mission, "libelle": labels[mission], "heures": _number(value)}
        for mission, value in hours.items()
    ]


# --- Since the creation of the association ---------------------------------------------


def since_creation_figures(period: Period) -> dict:
    """Totals from the first record up to the period's end."""
    end = period.end
    projects = Project.objects.filter(received_on__lte=end)
    created = Project.objects.filter(status=ProjectStatus.CREATED, created_on__lte=end).aggregate(
        n=Count("pk"), jobs=Coalesce(Sum("jobs_created"), 0)
    )
    dla = _beneficiaries(Step.objects.filter(date__lte=end))
    return {
        # COUNT(DISTINCT) rather than counting the rows of a DISTINCT: no set of holders
        # to build, and a project without holders adds no phantom holder.
        "porteurs_accueillis": projects.aggregate(n=Count("holders", distinct=True))["n"],
        "projets_accueillis": projects.count(),
        "structures_creees": created["n"],
        "emplois_crees": int(created["jobs"]),
        "structures_dla_beneficiaires": dla["n"],
        "emplois_consolides": dla["jobs"],
    }


def records_start_year() -> int | None:
    """The year of the first recorded accompaniment (a project received, a DLA step): the
    « since the creation » totals count from there, and the report says so."""
    firsts = (
        Project.objects.aggregate(first=Min("received_on"))["first"],
        Step.objects.aggregate(first=Min("date"))["first"],
    )
    found = [day.year for day in firsts if day]
    return min(found) if found else None


# --- The report ------------------------------------------------------------------------


def contract_figures(period: Period) -> dict:
    """Exactly the keys of the contract's table, for a period."""
    return contract_figures_by_period([period])[period]


def contract_figures_by_period(periods: list[Period]) -> dict[Period, dict]:
    """The contract's table for several periods (of different years): a handful of queries
    whatever their number, each figure family grouped by year or counted per period."""
    families = {
        "dla": dla_figures_by_period(periods),
        "creation": creation_figures_by_period(periods),
        "sensibilisation": sensibilisation_figures_by_period(periods),
        "generateur": generateur_figures_by_period(periods),
        "vie_associative": vie_associative_figures_by_period(periods),
    }
    return {
        period: {section: figures[period] for section, figures in families.items()}
        for period in periods
    }


def period_figures(period: Period, *, contract: dict | None = None) -> dict:
    """The contract's figures and the report's other figures for a period (`contract`: its
    contract figures when already computed with other periods')."""
    if contract is None:
        contract = contract_figures(period)
    figures = {"year": period.year, **contract}
    figures["complements"] = {
        "dla": {**dla_engineering_means(period), "themes": dla_engineerings_by_theme(period)},
        "creation": {
            **meeting_figures(period),
            "par_programme": creation_by_programme(period),
        },
        "sensibilisation": collective_action_details(period),
        "generateur": {
            **generateur_details(period),
            "par_territoire": generateur_by_territory(period),
        },
        "vie_associative": {
            "heures_par_mission": volunteer_hours_by_mission(period),
            "benevoles_par_mission": volunteers_by_mission(period),
        },
        "dijon": {"evenements": events_of_series(period, DIJON_SERIES)},
        "club": {"evenements": events_of_series(period, [CLUB_SERIES])},
    }
    figures["complements"]["generateur"]["actions_par_projet"] = territorial_actions_by_project(
        period
    )
    # Outcome follow-ups: survival and jobs years later (rules in the followups app).
    figures["complements"]["creation"].update(
        followups_selectors.creation_follow_up_figures(period)
    )
    figures["complements"]["dla"].update(followups_selectors.dla_follow_up_figures(period))
    figures["depuis_creation"] = since_creation_figures(period)
    return figures


# The contract's figures the charts compare over the years, by their registered keys
# (reporting/registry.py; `reporting.checks` makes sure each is one).
HISTORY_FIGURES = [
    "dla.structures_beneficiaires",
    "dla.structures_accueillies",
    "creation.projets_accueillis",
    "creation.projets_accompagnes",
    "creation.structures_creees",
    "sensibilisation.ateliers_pes",
    "generateur.projets_accompagnes",
    "vie_associative.benevoles_actifs",
]


def _history_periods(year: int, years: int) -> list[Period]:
    return [Period(past) for past in range(year - years + 1, year + 1)]


def _history_rows(periods: list[Period], by_period: dict[Period, dict]) -> list[dict]:
    rows = []
    for period in periods:
        figures = by_period[period]
        row = {"year": period.year}
        for key in HISTORY_FIGURES:
            section, name = key.split(".")
            row[key] = figures[section][name]
        rows.append(row)
    return rows


def history(year: int, years: int = HISTORY_YEARS) -> list[dict]:
    """The charted figures for `year` and the years before it, oldest first; the same
    queries for any number of years (`contract_figures_by_period`)."""
    periods = _history_periods(year, years)
    return _history_rows(periods, contract_figures_by_period(periods))


def report_figures(year: int) -> dict:
    """Every figure of the yearly report (1 January – 31 December), as JSON-ready data."""
    # The history's last year is the report's: its contract figures are counted once.
    periods = _history_periods(year, HISTORY_YEARS)
    by_period = contract_figures_by_period(periods)
    figures = period_figures(Period(year), contract=by_period[Period(year)])
    figures["historique"] = _history_rows(periods, by_period)
    return figures


def dashboard_figures(today: dt.date) -> dict:
    """The year to date and the same dates last year, by the same rules."""
    current = Period.year_to_date(today)
    previous = current.same_date_previous_year()
    figures = contract_figures_by_period([current, previous])
    return {
        "current": {"period": current, **figures[current]},
        "previous": {"period": previous, **figures[previous]},
    }


def dashboard_follow_ups(today: dt.date) -> dict:
    """The survival blocks of the year to date, where the report's figures hold them."""
    period = Period.year_to_date(today)
    return {
        "complements": {
            "creation": followups_selectors.creation_follow_up_figures(period),
            "dla": followups_selectors.dla_follow_up_figures(period),
        }
    }


# --- The dashboard's workload panels ---------------------------------------------------

NEXT_STEPS_HORIZON_DAYS = 14


def staff_workload(today: dt.date) -> list[dict]:
    """For each staff member: open projects they refer, next steps due, DLA follow-ups due."""
    horizon = today + dt.timedelta(days=NEXT_STEPS_HORIZON_DAYS)
    open_projects = Project.objects.open().filter(referent__isnull=False)
    # COUNT(*), not of the ids: the referents are counted from the open projects' index alone.
    cases = dict(open_projects.values_list("referent").annotate(n=Count("*")))
    due = dict(
        open_projects.filter(next_step_on__lte=horizon)
        .values_list("referent")
        .annotate(n=Count("*"))
    )
    follow_ups = dla_selectors.follow_ups_due(today=today)
    follow_ups_by_staff = dict(follow_ups.order_by().values_list("staff").annotate(n=Count("pk")))
    users = User.objects.staff_members()
    return [
        {
            "user": user,
            "open_projects": cases.get(user.pk, 0),
            "next_steps_due": due.get(user.pk, 0),
            "follow_ups_due": follow_ups_by_staff.get(user.pk, 0),
        }
        for user in users
    ]


def next_steps_due(today: dt.date, *, staff=None, limit: int = 50):
    """Open projects whose next step falls within the horizon (late ones first)."""
    horizon = today + dt.timedelta(days=NEXT_STEPS_HORIZON_DAYS)
    rows = (
        Project.objects.open()
        .filter(next_step_on__lte=horizon)
        .select_related("referent")
        .order_by("next_step_on", "name")
    )
    if staff is not None:
        rows = rows.filter(referent=staff)
    return rows[:limit]


def follow_ups_due(today: dt.date, *, limit: int = 50):
    return dla_selectors.follow_ups_due(today=today)[:limit]


# --- The report's lists (issue 15): events by series, territorial actions, missions ---------

# The series of the actions the Métropole and the Ville de Dijon fund, in the report's order.
DIJON_SERIES = ["osez_entreprendre", "crdva", "mois_ess"]
CLUB_SERIES = "club_entrepreneurs"
# A report lists a year's events; a cap keeps the page bounded if a year is imported twice.
EVENTS_SHOWN = 40
# The real year holds a few dozen territorial actions; the cap keeps the page under 150 KB.
TERRITORIAL_ACTIONS_SHOWN = 100


def events_of_series(period: Period, series: list[str]) -> list[dict]:
    """The period's collective actions of these series, by date: what the report lists."""
    rows = (
        _actions(period)
        .filter(series__in=series)
        .order_by("date", "pk")
        .values("date", "series", "kind", "title", "notes", "animated_by_pes", "organisation")[
            :EVENTS_SHOWN
        ]
    )
    return [
        {
            "date": row["date"],
            "serie": row["series"],
            "type": row["kind"],
            "titre": row["title"],
            "description": row["notes"],
            # Who animated it: the report counts beside each list those the Pôle animated.
            "anime_par_le_pole": row["animated_by_pes"],
            "organisme": row["organisation"],
        }
        for row in rows
    ]


def territorial_project_key(territory: str, project: str) -> str:
    """A territorial project as the figures name it: no database id, so the figures survive an
    export and import of the history (and match the rows of `generateur_by_territory`)."""
    return f"{territory} / {project}"


def territorial_actions_by_project(period: Period) -> dict[str, list[dict]]:
    """The period's actions of each territorial project, by date, keyed by
    `territorial_project_key`."""
    rows = (
        TerritorialAction.objects.in_year(period.year)
        .filter(date__lte=period.end)
        .order_by("project__territory__name", "project__name", "date", "pk")
        .values("project__territory__name", "project__name", "date", "kind", "title")[
            :TERRITORIAL_ACTIONS_SHOWN
        ]
    )
    labels = dict(TerritorialAction._meta.get_field("kind").choices)
    actions: dict[str, list[dict]] = {}
    for row in rows:
        key = territorial_project_key(row["project__territory__name"], row["project__name"])
        actions.setdefault(key, []).append(
            {"date": row["date"], "titre": row["title"] or labels.get(row["kind"], row["kind"])}
        )
    return actions


def volunteers_by_mission(period: Period) -> dict[str, int]:
    """Volunteers who gave time to each mission in the period (every mission, zero included)."""
    rows = (
        Contribution.objects.between(period.start, period.end)
        .values("mission")
        .annotate(n=Count("volunteer", distinct=True))
        .order_by()
    )
    counts = {row["mission"]: row["n"] for row in rows}
    return {code: counts.get(code, 0) for code in Mission.values}


def staff_team() -> list[dict]:
    """The staff team as the report prints it: active staff and direction with a job title."""
    return [
        {"nom": user.get_full_name() or user.username, "fonction": user.job_title}
        for user in User.objects.staff_members().exclude(job_title="")
    ]
