"""Writes of the volunteers app: profiles, invitations, the board and logged time.

The board's transitions are conditional UPDATEs (`WHERE status = ...`): the database, not a
read made a moment earlier, decides who wins when two people act on one case at once.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from accompaniment.models import Project
from pes21.concurrency import save_versioned
from pes21.mail import send_later
from pes21.models import User
from pes21.roles import DIRECTOR, STAFF, VOLUNTEER
from pes21.services import record_key, set_fields
from pes21.validators import MAX_MINUTES_A_DAY

from . import selectors
from .models import ACTIVE_CASE_STATUSES, Case, CaseStatus, Contribution, Skill, Volunteer

CASE_TAKEN_BY_SOMEONE_ELSE = (
    "Ce dossier vient d'être pris par un·e autre bénévole : il n'est plus disponible. "
    "Merci de votre élan, d'autres dossiers vous attendent sur le tableau."
)
CASE_CHANGED = "Ce dossier a changé entre-temps : rechargez la page pour voir son état actuel."


class CaseUnavailable(ValidationError):
    """The case is no longer in a state that allows this action."""


# --- Profiles and invitations ----------------------------------------------------------------


@transaction.atomic
def volunteer_create(*, data: dict[str, Any], skills: Iterable[Skill]) -> Volunteer:
    volunteer = Volunteer()
    set_fields(volunteer, data)
    volunteer.full_clean()
    volunteer.save()
    volunteer.skills.set(skills)
    return volunteer


@transaction.atomic
def volunteer_update(
    *,
    volunteer: Volunteer,
    data: dict[str, Any],
    skills: Iterable[Skill],
    expected_version: int,
) -> Volunteer:
    set_fields(volunteer, data)
    volunteer.full_clean()
    save_versioned(volunteer, expected_version)
    volunteer.skills.set(skills)
    if volunteer.user_id and volunteer.email and volunteer.user.email != volunteer.email:
        # The invitation and the board's e-mails go to the account's address: keep them one.
        volunteer.user.email = volunteer.email
        volunteer.user.save(update_fields=["email"])
    return volunteer


def _free_username(email: str) -> str:
    stem = slugify(email.split("@")[0])[:140] or "benevole"
    username, n = stem, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{stem}{n}"
    return username


@transaction.atomic
def volunteer_invite(*, volunteer: Volunteer, site_url: str) -> User:
    """Give the volunteer an account of the bénévole role (if they have none) and e-mail them
    a link to choose their password. Sending again sends a fresh link."""
    if not volunteer.email:
        raise ValidationError({"email": "Ajoutez le courriel du ou de la bénévole pour l'inviter."})
    account = volunteer.user
    if account is None:
        if User.objects.filter(email__iexact=volunteer.email).exists():
            raise ValidationError(
                {
                    "email": "Un compte existe déjà avec ce courriel : "
                    "reliez-le depuis l'administration."
                }
            )
        account = User(
            username=_free_username(volunteer.email),
            first_name=volunteer.first_name,
            last_name=volunteer.last_name,
            email=volunteer.email,
        )
        account.set_unusable_password()
        account.full_clean()
        account.save()
        volunteer.user = account
        volunteer.save(update_fields=["user", "updated_at"])
    elif account.groups.filter(name__in=(STAFF, DIRECTOR)).exists():
        raise ValidationError("Ce compte appartient à l'équipe : il ne reçoit pas d'invitation.")
    account.groups.add(Group.objects.get(name=VOLUNTEER))
    link = site_url + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(account.pk)),
            "token": default_token_generator.make_token(account),
        },
    )
    context = {"volunteer": volunteer, "account": account, "link": link}
    message = mail.EmailMessage(
        subject="Votre espace bénévole au PES 21",
        body=render_to_string("volunteers/email/invitation.txt", context),
        to=[volunteer.email],
    )
    send_later(message)  # queued in this transaction: sent by the worker once it commits
    return account


# --- The board -------------------------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    project: Project,
    data: dict[str, Any],
    skills: Iterable[Skill],
    user: User,
    site_url: str,
) -> Case:
    case = Case(project=project, opened_by=user, status=CaseStatus.OPEN)
    set_fields(case, data)
    case.full_clean()
    case.save()
    case.skills.set(skills)
    send_later(*_case_opened_messages(case, site_url=site_url))
    return case


def _case_opened_messages(case: Case, *, site_url: str) -> list[mail.EmailMessage]:
    context = {
        "case": case,
        "skills": list(case.skills.all()),
        "link": site_url + reverse("volunteers:board"),
    }
    messages = []
    # One message per volunteer: no volunteer learns another's address.
    for volunteer in selectors.matching_volunteers(case, on=timezone.localdate()):
        address = volunteer.user.email or volunteer.email
        body = render_to_string(
            "volunteers/email/case_opened.txt", context | {"volunteer": volunteer}
        )
        messages.append(
            mail.EmailMessage(
                subject="PES 21 : un dossier de co-accompagnement pour vous",
                body=body,
                to=[address],
            )
        )
    return messages


def _transition(
    case: Case, *, allowed_from: Iterable[str], changes: dict[str, Any], user: User | None
) -> Case:
    """Apply `changes` only if the case is still in one of `allowed_from`, in one UPDATE."""
    now = timezone.now()
    updated = Case.objects.filter(pk=case.pk, status__in=list(allowed_from)).update(
        updated_at=now, **changes
    )
    if not updated:
        raise CaseUnavailable(CASE_CHANGED)
    case.refresh_from_db()
    # The UPDATE above does not pass through save(): save once more for the change history.
    case._history_user = user
    case.save(update_fields=["updated_at"])
    return case


@transaction.atomic
def case_take(*, case: Case, volunteer: Volunteer, site_url: str) -> Case:
    """The volunteer takes an open case. Of two volunteers taking it at once, exactly one wins:
    the UPDATE's WHERE clause re-reads the row under the database's row lock."""
    today = timezone.localdate()
    if not volunteer.is_present_on(today):
        raise CaseUnavailable("Votre fiche de bénévole n'est plus active : contactez l'équipe.")
    now = timezone.now()
    won = Case.objects.filter(pk=case.pk, status=CaseStatus.OPEN, volunteer__isnull=True).update(
        status=CaseStatus.TAKEN, volunteer=volunteer, taken_at=now, updated_at=now
    )
    if not won:
        raise CaseUnavailable(CASE_TAKEN_BY_SOMEONE_ELSE)
    case.refresh_from_db()
    case._history_user = volunteer.user
    case.save(update_fields=["updated_at"])
    send_later(*_case_taken_messages(case, site_url=site_url))
    return case


def _case_taken_messages(case: Case, *, site_url: str) -> list[mail.EmailMessage]:
    project = case.project
    addresses = {u.email for u in (case.opened_by, project.referent) if u is not None and u.email}
    if not addresses:
        addresses = set(
            User.objects.filter(groups__name=STAFF, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    if not addresses:
        return []
    body = render_to_string(
        "volunteers/email/case_taken.txt",
        {"case": case, "link": site_url + case.get_absolute_url()},
    )
    return [
        mail.EmailMessage(
            subject=f"PES 21 : {case.volunteer} a pris le dossier « {project} »",
            body=body,
            to=sorted(addresses),
        )
    ]


@transaction.atomic
def case_confirm(*, case: Case, user: User) -> Case:
    return _transition(
        case,
        allowed_from=[CaseStatus.TAKEN],
        changes={"status": CaseStatus.CONFIRMED, "confirmed_at": timezone.now()},
        user=user,
    )


@transaction.atomic
def case_release(*, case: Case, user: User) -> Case:
    """The case goes back on the board; the time already logged stays with its volunteer."""
    return _transition(
        case,
        allowed_from=ACTIVE_CASE_STATUSES,
        changes={
            "status": CaseStatus.OPEN,
            "volunteer": None,
            "taken_at": None,
            "confirmed_at": None,
        },
        user=user,
    )


@transaction.atomic
def case_close(*, case: Case, user: User | None, note: str = "") -> Case:
    return _transition(
        case,
        allowed_from=[CaseStatus.OPEN, *ACTIVE_CASE_STATUSES],
        changes={"status": CaseStatus.CLOSED, "closed_at": timezone.now(), "closing_note": note},
        user=user,
    )


@transaction.atomic
def cases_close_with_project(*, project: Project, user: User | None, note: str) -> int:
    """A closed project leaves no case on the board nor with a volunteer: each open, taken or
    confirmed case is closed with `note`. Returns how many were closed."""
    cases = list(
        Case.objects.select_for_update().filter(
            project=project, status__in=[CaseStatus.OPEN, *ACTIVE_CASE_STATUSES]
        )
    )
    for case in cases:
        case_close(case=case, user=user, note=note)
    return len(cases)


# --- Logged time -----------------------------------------------------------------------------


def contribution_days_over(contributions: Sequence[Contribution]) -> dict[int, dict[str, str]]:
    """No more than twelve hours a day for one volunteer, all their time of the day together.

    For each new contribution of the list (by position) that would take its volunteer's day
    past MAX_MINUTES_A_DAY, with the time already saved for that day and the list's earlier
    ones: the French message on `minutes`. One query, whatever the length (the form gives one
    contribution, the import a chunk of its file)."""
    days = {(record_key(c.volunteer), c.date) for c in contributions if c.date and c.minutes}
    volunteer_ids = {key[1] for key, _ in days if key[0] == "saved"}
    logged: dict[tuple, int] = {}
    if volunteer_ids:
        rows = (
            Contribution.objects.filter(
                volunteer_id__in=volunteer_ids, date__in={day for _, day in days}
            )
            .values("volunteer_id", "date")
            .annotate(minutes=Sum("minutes"))
            .order_by()
        )
        logged = {(("saved", row["volunteer_id"]), row["date"]): row["minutes"] for row in rows}
    refused = {}
    for position, contribution in enumerate(contributions):
        if not contribution.date or not contribution.minutes:
            continue
        day = (record_key(contribution.volunteer), contribution.date)
        total = logged.get(day, 0) + contribution.minutes
        if total > MAX_MINUTES_A_DAY:
            refused[position] = {
                "minutes": f"Avec ce temps, le {contribution.date:%d/%m/%Y} compterait "
                f"{total // 60} h {total % 60:02d} : 12 heures par jour au plus, "
                "tout compris."
            }
        else:
            logged[day] = total
    return refused


def contribution_log(
    *,
    volunteer: Volunteer,
    case: Case | None,
    mission: str,
    date: dt.date,
    minutes: int,
    notes: str = "",
) -> Contribution:
    if case is not None:
        if case.volunteer_id != volunteer.pk or not case.is_in_progress:
            raise ValidationError(
                {"case": "Vous ne pouvez noter du temps que sur vos dossiers en cours."}
            )
        mission = case.mission
    contribution = Contribution(
        volunteer=volunteer, case=case, mission=mission, date=date, minutes=minutes, notes=notes
    )
    contribution.full_clean()
    refused = contribution_days_over([contribution])
    if refused:
        raise ValidationError(refused[0])
    contribution.save()
    return contribution
