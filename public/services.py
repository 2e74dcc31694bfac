"""Writes of the public doors.

Every rule of a registration, a request or an answer is here, and every door (the public
forms, the staff's pages, the demo, the admin shows them read-only) comes through these
functions. What the doors create in the domain — a holder, a project « accueilli », a DLA
structure and its reception, an action's attendees — goes through the domain apps' services,
so that their own rules (and the holders' last contact, the status history) hold as for a
staff member's entry. E-mails leave through the task queue (`pes21.mail.send_later`), in the
transaction of the change they tell about.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accompaniment import services as accompaniment_services
from accompaniment.models import CollectiveAction, Holder
from pes21.concurrency import EditConflict, save_versioned
from pes21.mail import send_later, site_link, templated
from pes21.phones import normalise_phone
from pes21.services import set_fields
from privacy.selectors import retention_limit

from . import antispam, notice
from .ics import registration_ics
from .models import (
    Opening,
    ProjectRequest,
    QuestionnaireAnswer,
    Registration,
    RegistrationStatus,
    new_token,
)
from .project_requests import blank_requests
from .selectors import registrant_matches

CLOSED = "Les inscriptions à cette action sont closes."
FULL = "Cette action est complète et sa liste d'attente aussi."
ALREADY_CANCELLED = "Cette inscription est déjà annulée."
TOO_LATE_TO_CANCEL = "L'action a commencé : cette inscription ne peut plus être annulée en ligne."
NEW_HOLDER = "nouveau"


# --- Openings (staff) -------------------------------------------------------------------------


def _locked(opening: Opening) -> Opening:
    """The opening, locked until the transaction ends: two registrations for the last place,
    or a registration and a cancellation, are decided one after the other."""
    return (
        Opening.objects.select_for_update(of=("self",)).select_related("action").get(pk=opening.pk)
    )


@transaction.atomic
def opening_save(
    *,
    action: CollectiveAction,
    data: dict[str, Any],
    site_url: str,
    expected_version: int | None = None,
) -> Opening:
    """Open an action to registration, or change how. More places move the waiting list up;
    fewer cancel nobody (the places taken stay taken)."""
    opening = Opening.objects.filter(action=action).first()
    opening = _locked(opening) if opening is not None else Opening(action=action)
    set_fields(opening, data)
    opening.full_clean()
    try:
        with transaction.atomic():
            save_versioned(opening, expected_version)
    except IntegrityError:
        raise EditConflict from None  # someone opened the same action at the same instant
    _move_up(opening, site_url=site_url)
    return opening


# --- Registrations ----------------------------------------------------------------------------


def _registration_mail(registration: Registration, token: str, *, kind: str, site_url: str):
    """The e-mail telling a person where their registration stands, with its cancellation link
    and, once they have a place, the calendar invitation."""
    opening = registration.opening
    action = opening.action
    cancel_url = site_link(site_url, "public:registration", token) if token else ""
    subjects = {
        "confirmed": f"Inscription confirmée : {action.title}",
        "waiting": f"Liste d'attente : {action.title}",
        "moved_up": f"Une place s'est libérée : {action.title}",
        "cancelled": f"Inscription annulée : {action.title}",
    }
    message = templated(
        subject=subjects[kind],
        template=f"public/email/registration_{kind}.txt",
        context={
            "registration": registration,
            "opening": opening,
            "action": action,
            "starts": timezone.localtime(opening.starts),
            "ends": timezone.localtime(opening.ends),
            "cancel_url": cancel_url,
            "public_url": site_url + reverse("public:home"),
        },
        to=registration.email,
    )
    if kind in ("confirmed", "moved_up"):
        message.attach(
            "inscription.ics",
            registration_ics(registration, cancel_url=cancel_url),
            "text/calendar; charset=utf-8; method=PUBLISH",
        )
    return message


def _new_link(registration: Registration) -> str:
    """A fresh cancellation link (the previous one stops working): only its hash is kept."""
    token, registration.token_hash = new_token()
    return token


def registration_create(
    *, opening: Opening, data: dict[str, Any], site_url: str, now: dt.datetime | None = None
) -> tuple[Registration, bool]:
    """Register a person (name, e-mail, optional phone) who consented to the notice.

    A place if one is left, else the waiting list (as long as the action's capacity), else a
    refusal. The same e-mail again finds the registration already made (a form sent twice, or
    a person who lost the e-mail), which is sent again with a fresh link. (registration, new?)
    """
    now = now or timezone.now()
    email = data["email"].strip().lower()
    with transaction.atomic():
        opening = _locked(opening)
        if not opening.takes_registrations(timezone.localdate(now)):
            raise ValidationError(CLOSED, code="closed")
        existing = opening.registrations.active().filter(email=email).first()
        if existing is not None:
            if not antispam.may_mail(email):
                raise ValidationError(antispam.MAILS_SPENT, code="mails_spent")
            token = _new_link(existing)
            existing.save(update_fields=["token_hash"])
            kind = "confirmed" if existing.status == RegistrationStatus.CONFIRMED else "waiting"
            send_later(_registration_mail(existing, token, kind=kind, site_url=site_url))
            return existing, False
        if opening.registrations.confirmed().count() < opening.capacity:
            status = RegistrationStatus.CONFIRMED
        elif opening.registrations.waiting().count() < opening.capacity:
            status = RegistrationStatus.WAITING
        else:
            raise ValidationError(FULL, code="full")
        if not antispam.may_mail(email):
            raise ValidationError(antispam.MAILS_SPENT, code="mails_spent")
        registration = Registration(
            opening=opening,
            first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(),
            email=email,
            phone=normalise_phone(data.get("phone") or ""),
            status=status,
            consent_at=now,
            notice_version=notice.CURRENT,
            status_changed_at=now,
        )
        token = _new_link(registration)
        registration.full_clean()
        registration.save()
        kind = "confirmed" if status == RegistrationStatus.CONFIRMED else "waiting"
        send_later(_registration_mail(registration, token, kind=kind, site_url=site_url))
    return registration, True


def _move_up(opening: Opening, *, site_url: str, now: dt.datetime | None = None) -> list:
    """Give the free places to the waiting list, first come first served, and tell each
    person (with a new cancellation link and the calendar invitation). Call with the opening
    locked."""
    now = now or timezone.now()
    if now >= opening.starts:
        return []  # the action has begun: nobody is called to it any more
    free = opening.capacity - opening.registrations.confirmed().count()
    moved = list(opening.registrations.waiting()[: max(free, 0)])
    for registration in moved:
        registration.status = RegistrationStatus.CONFIRMED
        registration.status_changed_at = now
        token = _new_link(registration)
        registration.save(update_fields=["status", "status_changed_at", "token_hash"])
        send_later(_registration_mail(registration, token, kind="moved_up", site_url=site_url))
    return moved


def registration_cancel(
    *, registration: Registration, site_url: str, now: dt.datetime | None = None
) -> list[Registration]:
    """Cancel a registration (the person's link, or staff for them): they are told, and a
    place freed goes to the first person waiting. The people moved up."""
    now = now or timezone.now()
    with transaction.atomic():
        opening = _locked(registration.opening)
        registration = Registration.objects.select_related("opening__action").get(
            pk=registration.pk
        )
        if registration.status == RegistrationStatus.CANCELLED:
            raise ValidationError(ALREADY_CANCELLED, code="already_cancelled")
        if now >= opening.starts:
            raise ValidationError(TOO_LATE_TO_CANCEL, code="too_late")
        had_place = registration.status == RegistrationStatus.CONFIRMED
        registration.status = RegistrationStatus.CANCELLED
        registration.status_changed_at = now
        registration.save(update_fields=["status", "status_changed_at"])
        # No link in the cancellation e-mail: the one it would carry no longer does anything.
        send_later(_registration_mail(registration, "", kind="cancelled", site_url=site_url))
        return _move_up(opening, site_url=site_url, now=now) if had_place else []


def registration_for_link(token: str) -> Registration | None:
    """The registration a cancellation link opens, whatever its state (the page says it)."""
    if not token or len(token) > 100:
        return None
    return Registration.objects.of_token(token).select_related("opening__action").first()


# --- Attendance (staff) -----------------------------------------------------------------------


def _holder_for(registration: Registration) -> Holder:
    """A holder record for a registrant no known holder matches, through the domain's door."""
    return accompaniment_services.holder_create(
        data={
            "last_name": registration.last_name,
            "first_name": registration.first_name,
            "email": registration.email,
            "phone": registration.phone,
            "consent_on": timezone.localdate(registration.consent_at),
        }
    )


@transaction.atomic
def attendance_record(
    *,
    opening: Opening,
    present: Iterable[int],
    choices: dict[int, str],
    expected_version: int | None,
    today: dt.date | None = None,
) -> int:
    """Record who came among the registrants (ids in `present`); they become the action's
    attendees, and its participants (the report's figure) are the attendees' number.

    A registrant matching known holders is linked to the one staff chose in `choices`
    (registration id -> holder id, or NEW_HOLDER for a new record): never silently, so a
    present registrant with matches and no choice is refused, with nothing written. Attendees
    staff added on the action's form stay. `expected_version` is the action's: a change of the
    action (its attendees) made since the page was shown is not overwritten.
    """
    today = today or timezone.localdate()
    opening = _locked(opening)
    action = opening.action
    if action.date > today:
        raise ValidationError("Les présences se notent le jour de l'action ou après.")
    present = set(present)
    registrations = list(opening.registrations.confirmed().order_by("created_at", "pk"))
    matches = registrant_matches([r for r in registrations if r.holder_id is None])
    errors = []
    for registration in registrations:
        registration.attended = registration.pk in present
        if not registration.attended or registration.holder_id:
            continue
        candidates = {holder.pk: holder for holder in matches.get(registration.pk, [])}
        choice = choices.get(registration.pk, "")
        if not candidates or choice == NEW_HOLDER:
            registration.holder = _holder_for(registration)
        elif choice.isdigit() and int(choice) in candidates:
            registration.holder = candidates[int(choice)]
        else:
            errors.append(
                f"{registration} : indiquez s'il s'agit d'un porteur déjà connu ou d'une "
                "nouvelle fiche."
            )
    if errors:
        raise ValidationError(errors)
    Registration.objects.bulk_update(registrations, ["attended", "holder"])
    ours = set(opening.registrations.exclude(holder=None).values_list("holder_id", flat=True))
    added_on_form = set(action.attendees.values_list("pk", flat=True)) - ours
    came = {r.holder_id for r in registrations if r.attended}
    attendees = Holder.objects.filter(pk__in=added_on_form | came)
    accompaniment_services.action_update(
        action=action,
        data={"participants": len(added_on_form | came)},
        attendees=attendees,
        expected_version=expected_version,
    )
    return len(came)


# --- Personal data ----------------------------------------------------------------------------


def _registrations_of(holder: Holder):
    """The holder's registrations: those staff linked to them, and those made with their
    address before they were known (one person, whatever the door)."""
    email = holder.email.strip().lower()
    return Registration.objects.filter(
        Q(holder=holder) | Q(email=email) if email else Q(holder=holder)
    )


def _titled(title: str, rows: list[str]) -> list[str]:
    return [title, "=" * len(title), *rows, ""] if rows else []


def holder_public_data_lines(*, holder: Holder) -> list[str]:
    """What the public doors keep of a holder, for their RGPD export (privacy.services)."""
    registrations = [
        f"{r.opening.action.date:%d/%m/%Y} – {r.opening.action.title} – {r.get_status_display()}"
        f"{' – présent·e' if r.attended else ''} – {r.first_name} {r.last_name}, {r.email}"
        f"{', ' + r.phone if r.phone else ''} – accord du "
        f"{timezone.localtime(r.consent_at):%d/%m/%Y} (notice {r.notice_version})"
        for r in _registrations_of(holder).select_related("opening__action")
    ]
    requests = [
        f"{timezone.localtime(r.created_at):%d/%m/%Y} – {r.get_kind_display()} – {r.commune} – "
        f"{r.get_stage_display()} – {r.idea or '(texte effacé)'}"
        for r in ProjectRequest.objects.filter(holder=holder)
    ]
    answers = []
    for answer in QuestionnaireAnswer.objects.filter(invitation__holder=holder).select_related(
        "invitation__project"
    ):
        answers.append(
            f"{timezone.localtime(answer.created_at):%d/%m/%Y} – {answer.invitation.project} – "
            f"satisfaction {answer.satisfaction}/5 – citation : {answer.get_publication_display()}"
        )
        answers += [
            f"  {answer._meta.get_field(name).verbose_name} {getattr(answer, name)}"
            for name in (*QuestionnaireAnswer.WRITTEN, "quote")
            if getattr(answer, name)
        ]
    return [
        *_titled("Inscriptions aux actions collectives", registrations),
        *_titled("Demandes « Déposer mon projet »", requests),
        *_titled("Questionnaire de fin d'accompagnement", answers),
    ]


def public_data_purge(*, today: dt.date, months: int) -> dict[str, int]:
    """Apply the retention period to what the public doors keep (docs/public.md): the
    registrations of actions held more than `months` ago are deleted (who came stays as the
    action's attendees), and the contact and texts of requests received before then are
    emptied. Holders, projects and answers follow the holders' own retention (privacy/)."""
    limit = retention_limit(today=today, months=months)
    registrations, _ = Registration.objects.filter(opening__action__date__lt=limit).delete()
    old_requests = ProjectRequest.objects.filter(created_at__date__lt=limit).exclude(
        idea="", contact_email="", heard_from_detail=""
    )
    return {"inscriptions": registrations, "demandes": blank_requests(old_requests)}
