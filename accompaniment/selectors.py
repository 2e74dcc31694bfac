"""Reads that compute: list rows with their figures, a project's time spent and timeline."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import (
    Count,
    DateField,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate

from pes21.choices import LegalForm
from pes21.hours import minutes_to_hours
from pes21.paging import timeline_page

from .models import (
    ActionKind,
    CollectiveAction,
    Holder,
    Meeting,
    Programme,
    Project,
    ProjectStatus,
    Series,
    StatusChange,
)

# SQLite's GREATEST returns NULL when one argument is NULL: missing dates count as "long ago".
_LONG_AGO = Value(dt.date(1900, 1, 1), output_field=DateField())


# Where a holder was last in touch with the association, besides their own record's dates:
# (model, the path from it to its holders, the date it counts).
_CONTACTS = (
    (Meeting, "project__holders", Max("date")),
    (Project, "holders", Max(Greatest(Coalesce("ended_on", _LONG_AGO), F("received_on")))),
    (CollectiveAction, "attendees", Max("date")),
)


def holder_own_contact() -> Greatest:
    """The dates of a holder's own record that count as a contact: consent, creation."""
    return Greatest(Coalesce("consent_on", _LONG_AGO), TruncDate("created_at"))


def contacts_by_holder(holder_ids: Iterable[int] | None = None) -> list[QuerySet]:
    """For each kind of contact, one row per holder: `holder`, the latest date `last`.

    Grouped, not correlated: storing every holder's last contact after an import is a few
    hash aggregates, whatever statistics the planner has of tables just written."""
    grouped = []
    for model, path, last in _CONTACTS:
        # One filter() call: two on a many-to-many path would join it twice, multiplying rows.
        wanted = {f"{path}__isnull": False} if holder_ids is None else {f"{path}__in": holder_ids}
        rows = model.objects.order_by().filter(**wanted)
        grouped.append(rows.values(holder=F(path)).annotate(last=last))
    return grouped


def holders_with_last_contact() -> QuerySet:
    """Holders annotated with the date of their last contact with the association: the rule,
    which services.holders_last_contact_refresh stores in Holder.last_contact_on."""
    lasts = [
        Coalesce(Subquery(rows.filter(holder=OuterRef("pk")).values("last")[:1]), _LONG_AGO)
        for rows in contacts_by_holder()
    ]
    return Holder.objects.annotate(last_contact=Greatest(*lasts, holder_own_contact()))


def _minutes_spent_subquery() -> Subquery:
    # A subquery rather than Sum over a join: the list also prefetches holders, and a join
    # would multiply the minutes by the number of holders.
    minutes = (
        Meeting.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(total=Sum("duration_minutes"))
        .values("total")
    )
    return Coalesce(Subquery(minutes, output_field=IntegerField()), 0)


def project_list_rows(queryset: QuerySet | None = None) -> QuerySet:
    """Projects with what the list shows: referent, holders (one extra query, in a plain list
    `holder_list`: cheaper to build and to read than a related manager per project), minutes
    spent."""
    queryset = Project.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("referent")
        .prefetch_related(
            Prefetch(
                "holders",
                queryset=Holder.objects.order_by("last_name", "first_name"),
                to_attr="holder_list",
            )
        )
        .annotate(minutes_spent=_minutes_spent_subquery())
    )


def holder_list_rows(queryset: QuerySet | None = None) -> QuerySet:
    # A correlated count rather than a join + GROUP BY: the database then counts the projects
    # of the 50 holders shown only, instead of grouping every holder before paging.
    projects = (
        Project.holders.through.objects.filter(holder=OuterRef("pk"))
        .order_by()
        .values("holder")
        .annotate(n=Count("*"))
        .values("n")
    )
    queryset = Holder.objects.all() if queryset is None else queryset
    return queryset.annotate(
        project_count=Coalesce(Subquery(projects, output_field=IntegerField()), 0)
    )


def project_minutes_spent(project: Project) -> int:
    return project.meetings.aggregate(total=Coalesce(Sum("duration_minutes"), 0))["total"]


@dataclass(frozen=True)
class TimelineEntry:
    on: dt.date
    kind: str  # "meeting" or "status"
    item: Meeting | StatusChange


def project_timeline(project: Project, page_number=None) -> Page:
    """One page of a project's meetings and status changes, newest first; on the same day a
    status change is listed above the meeting that led to it."""
    page = timeline_page(
        {
            "meeting": (project.meetings.select_related("staff"), "date"),
            "status": (project.status_changes.select_related("changed_by"), "changed_on"),
        },
        page_number,
    )
    page.object_list = [TimelineEntry(*entry) for entry in page.object_list]
    return page


def _labels(choices) -> dict[str, str]:
    return dict(choices)


def project_export_rows(queryset: QuerySet) -> tuple[list[str], list[list]]:
    """Header and rows for the CSV of a filtered project list, in a fixed number of queries."""
    header = [
        "Référence",
        "Projet",
        "Porteurs",
        "Communes des porteurs",
        "Programme",
        "Statut",
        "Accueilli le",
        "Accompagnement commencé le",
        "Accompagnement terminé le",
        "Référent·e",
        "Structure créée le",
        "Forme juridique",
        "Emplois créés",
        "Rendez-vous",
        "Temps passé (heures)",
        "Prochaine étape",
        "Prochaine étape le",
    ]
    meeting_count = (
        Meeting.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    values = queryset.annotate(
        minutes_spent=_minutes_spent_subquery(),
        meeting_count=Coalesce(Subquery(meeting_count, output_field=IntegerField()), 0),
    ).values_list(
        "pk",
        "ref",
        "name",
        "programme",
        "status",
        "received_on",
        "started_on",
        "ended_on",
        "referent__first_name",
        "referent__last_name",
        "created_on",
        "legal_form",
        "jobs_created",
        "meeting_count",
        "minutes_spent",
        "next_step",
        "next_step_on",
    )
    links = Project.holders.through.objects.filter(project__in=queryset.values("pk")).order_by(
        "holder__last_name", "holder__first_name"
    )
    names, communes = defaultdict(list), defaultdict(list)
    for project_id, first, last, commune in links.values_list(
        "project_id", "holder__first_name", "holder__last_name", "holder__commune"
    ):
        names[project_id].append(f"{first} {last}".strip())
        if commune and commune not in communes[project_id]:
            communes[project_id].append(commune)
    programmes, statuses = _labels(Programme.choices), _labels(ProjectStatus.choices)
    forms = _labels(LegalForm.choices)
    rows = []
    for (
        pk,
        ref,
        name,
        programme,
        status,
        received,
        started,
        ended,
        ref_first,
        ref_last,
        created,
        legal_form,
        jobs,
        meetings,
        minutes,
        next_step,
        next_step_on,
    ) in values:
        rows.append(
            [
                ref,
                name,
                ", ".join(names[pk]),
                ", ".join(communes[pk]),
                programmes.get(programme, programme),
                statuses.get(status, status),
                received,
                started,
                ended,
                f"{ref_first or ''} {ref_last or ''}".strip(),
                created,
                forms.get(legal_form, legal_form),
                jobs,
                meetings,
                minutes_to_hours(minutes),
                next_step,
                next_step_on,
            ]
        )
    return header, rows


def holder_export_rows(queryset: QuerySet) -> tuple[list[str], list[list]]:
    header = [
        "Référence",
        "Nom",
        "Prénom",
        "Courriel",
        "Téléphone",
        "Code postal",
        "Commune",
        "Consentement RGPD le",
        "Projets",
    ]
    rows = holder_list_rows(queryset).values_list(
        "ref",
        "last_name",
        "first_name",
        "email",
        "phone",
        "postal_code",
        "commune",
        "consent_on",
        "project_count",
    )
    return header, [list(row) for row in rows]


def action_export_rows(queryset: QuerySet) -> tuple[list[str], list[list]]:
    header = [
        "Référence",
        "Date",
        "Type",
        "Cycle",
        "Intitulé",
        "Organisme partenaire",
        "Animé par le PES 21",
        "Participants",
        "Durée (heures)",
        "Porteurs présents connus",
    ]
    kinds, series = _labels(ActionKind.choices), _labels(Series.choices)
    rows = queryset.annotate(attendee_count=_attendee_count_subquery()).values_list(
        "ref",
        "date",
        "kind",
        "series",
        "title",
        "organisation",
        "animated_by_pes",
        "participants",
        "hours",
        "attendee_count",
    )
    return header, [
        [ref, date, kinds.get(kind, kind), series.get(ser, ser), *rest]
        for ref, date, kind, ser, *rest in rows
    ]


def _attendee_count_subquery() -> Coalesce:
    # Correlated, so that only the shown page's actions are counted (see holder_list_rows).
    attendees = (
        CollectiveAction.attendees.through.objects.filter(collectiveaction=OuterRef("pk"))
        .order_by()
        .values("collectiveaction")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(attendees, output_field=IntegerField()), 0)


def action_list_rows(queryset: QuerySet | None = None) -> QuerySet:
    queryset = CollectiveAction.objects.all() if queryset is None else queryset
    return queryset.annotate(attendee_count=_attendee_count_subquery())
