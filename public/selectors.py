"""Reads of the public doors: what the public page lists, the staff's panels and desk, and the
questionnaire's yearly summary (computed by the database)."""

import datetime as dt
from collections import defaultdict

from django.db.models import Avg, Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from accompaniment.models import Holder, Project
from dla.models import Structure

from .models import (
    Opening,
    ProjectRequest,
    Publication,
    QuestionnaireAnswer,
    QuestionnaireInvitation,
    Registration,
    RegistrationStatus,
    Satisfaction,
)

# Quotes the yearly report prints at most: the latest ones.
REPORT_QUOTES = 6
# Holders a registrant may be: a handful at most per person; a cap keeps a page bounded.
MATCH_LIMIT = 2000


def _taken_places() -> Coalesce:
    confirmed = (
        Registration.objects.filter(opening=OuterRef("pk"), status=RegistrationStatus.CONFIRMED)
        .order_by()
        .values("opening")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(confirmed, output_field=IntegerField()), 0)


def coming_openings(today: dt.date) -> QuerySet:
    """The actions the public page lists, soonest first, with the places already taken."""
    return (
        Opening.objects.taking_registrations(today)
        .select_related("action")
        .annotate(taken=_taken_places())
        .order_by("action__date", "starts_at", "pk")
    )


def opening_with_places(pk: int) -> Opening | None:
    return (
        Opening.objects.select_related("action").annotate(taken=_taken_places()).filter(pk=pk)
    ).first()


def places_left(opening: Opening) -> int:
    taken = getattr(opening, "taken", None)
    if taken is None:
        taken = opening.registrations.confirmed().count()
    return max(opening.capacity - taken, 0)


# --- Staff: an action's registrations ---------------------------------------------------------


def registrant_matches(registrations: list[Registration]) -> dict[int, list[Holder]]:
    """The known holders each registrant may be: the same e-mail, or the same name and phone.

    Staff confirm the match (a namesake is another person); two queries whatever the number
    of registrants, which an action's capacity bounds.
    """
    emails = {r.email.lower() for r in registrations if r.email}
    phones = {r.phone for r in registrations if r.phone}
    if not emails and not phones:
        return {}
    holders = list(
        Holder.objects.annotate(email_lower=Lower("email"))
        .filter(Q(email_lower__in=emails) | Q(phone__in=phones))
        .order_by("last_name", "first_name", "pk")[:MATCH_LIMIT]
    )
    by_email, by_phone = defaultdict(list), defaultdict(list)
    for holder in holders:
        if holder.email_lower:
            by_email[holder.email_lower].append(holder)
        if holder.phone:
            by_phone[holder.phone].append(holder)
    matches = {}
    for registration in registrations:
        found = list(by_email.get(registration.email.lower(), []))
        for holder in by_phone.get(registration.phone, []) if registration.phone else []:
            same_name = (holder.last_name.casefold(), holder.first_name.casefold()) == (
                registration.last_name.casefold(),
                registration.first_name.casefold(),
            )
            if same_name and holder not in found:
                found.append(holder)
        if found:
            matches[registration.pk] = found
    return matches


def action_panel(opening: Opening) -> dict:
    """The registrations an action's page shows: who is registered, who waits, who came."""
    registrations = list(
        opening.registrations.active().select_related("holder").order_by("created_at", "pk")
    )
    confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]
    waiting = [r for r in registrations if r.status == RegistrationStatus.WAITING]
    matches = registrant_matches([r for r in confirmed if r.holder_id is None])
    for registration in confirmed:
        registration.matches = matches.get(registration.pk, [])
    return {
        "opening": opening,
        "confirmed": confirmed,
        "waiting": waiting,
        "cancelled": opening.registrations.filter(status=RegistrationStatus.CANCELLED).count(),
        "places_left": max(opening.capacity - len(confirmed), 0),
        "present": sum(1 for r in confirmed if r.attended),
    }


def actions_awaiting_attendance(today: dt.date) -> QuerySet:
    """Past actions with registrants whose attendance nobody marked yet (for the staff desk)."""
    unmarked = Registration.objects.filter(
        opening=OuterRef("pk"), status=RegistrationStatus.CONFIRMED, attended__isnull=True
    )
    return (
        Opening.objects.filter(action__date__lte=today)
        .filter(pk__in=unmarked.values("opening"))
        .select_related("action")
        .order_by("-action__date", "pk")
    )


# --- Staff: « Déposer mon projet » ------------------------------------------------------------


def new_requests(*, limit: int = 20) -> QuerySet:
    """The requests from « Déposer mon projet » nobody has handled yet, newest first (the staff
    desk lists them; the list page pages through all of them)."""
    return (
        ProjectRequest.objects.new()
        .select_related("holder", "project", "structure")
        .order_by("-created_at", "-pk")[:limit]
    )


def request_list(*, status: str | None = None) -> QuerySet:
    queryset = ProjectRequest.objects.select_related("holder", "project", "structure")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-pk")


def request_known_holders(request: ProjectRequest) -> list[Holder]:
    """Holders the request's person may already be (same name, and same e-mail or phone)."""
    holder = request.holder
    if holder is None:
        return []
    return list(
        Holder.objects.possible_duplicates_of(
            last_name=holder.last_name,
            first_name=holder.first_name,
            email=holder.email,
            phone=holder.phone,
        ).exclude(pk=holder.pk)[:10]
    )


def request_known_structures(request: ProjectRequest) -> list[Structure]:
    """Structures with the request's SIRET or name, other than the one it created."""
    query = Q()
    if request.siret:
        query |= Q(siret=request.siret)
    if request.structure_name:
        query |= Q(name__iexact=request.structure_name)
    if not query:
        return []
    known = Structure.objects.filter(query)
    if request.structure_id and not request.structure_was_known:
        known = known.exclude(pk=request.structure_id)
    return list(known.order_by("name", "pk")[:10])


# --- The questionnaire ------------------------------------------------------------------------


def project_questionnaire(project: Project) -> dict:
    """The project page's panel: the links sent, the answers, who may still be asked."""
    invitations = list(
        project.questionnaire_invitations.live()
        .select_related("holder", "answer", "sent_by")
        .order_by("holder__last_name", "holder__first_name", "-sent_at")
    )
    answered = {i.holder_id for i in invitations if i.answered_at}
    # Only a closed project's holders may be asked: an open project's page reads no more.
    holders = list(project.holders.order_by("last_name", "first_name")) if project.is_closed else []
    return {
        "invitations": invitations,
        "answers": [i.answer for i in invitations if i.answered_at and hasattr(i, "answer")],
        "askable": [h for h in holders if h.email and h.pk not in answered],
        "without_email": [h for h in holders if not h.email and h.pk not in answered],
    }


def _year_range(year: int) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=zone),
        dt.datetime(year + 1, 1, 1, tzinfo=zone),
    )


def _signature(answer: QuestionnaireAnswer) -> str:
    if answer.publication == Publication.FIRST_NAME:
        return f"{answer.invitation.holder.first_name}, {answer.invitation.project.name}"
    return "Un·e porteur·se de projet accompagné·e par le Pôle"


def questionnaire_summary(year: int) -> dict:
    """The year's questionnaire for the yearly report: links sent that year (a link replaced by
    a newer one is not counted), how many were answered (whenever), the satisfaction of those
    answers, and the latest quotes their authors allowed to publish."""
    start, end = _year_range(year)
    invitations = QuestionnaireInvitation.objects.live().filter(sent_at__gte=start, sent_at__lt=end)
    totals = invitations.aggregate(
        sent=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        average=Avg("answer__satisfaction"),
        satisfied=Count("pk", filter=Q(answer__satisfaction__gte=Satisfaction.SATISFIED)),
    )
    levels = dict(
        invitations.filter(answer__isnull=False)
        .order_by()
        .values_list("answer__satisfaction")
        .annotate(n=Count("pk"))
    )
    quotes = (
        QuestionnaireAnswer.objects.filter(invitation__in=invitations.values("pk"))
        .exclude(publication=Publication.NO)
        .exclude(quote="")
        .select_related("invitation__holder", "invitation__project")
        .order_by("-created_at", "-pk")[:REPORT_QUOTES]
    )
    sent, answered = totals["sent"], totals["answered"]
    return {
        "annee": year,
        "envoyes": sent,
        "reponses": answered,
        "taux_reponse": round(answered * 100 / sent, 1) if sent else None,
        "satisfaction_moyenne": round(totals["average"], 1) if answered else None,
        "satisfaits": totals["satisfied"],
        "par_niveau": [
            {"niveau": value, "libelle": label, "reponses": levels.get(value, 0)}
            for value, label in reversed(Satisfaction.choices)
        ],
        "citations": [{"texte": q.quote.strip(), "signature": _signature(q)} for q in quotes],
    }
