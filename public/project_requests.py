"""Writes of « Déposer mon projet »: a request creates the holder and their project
« accueilli », or the DLA structure and its reception, through the domain apps' services, and
tells the staff on duty (public.services says what every door of the public app holds to)."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accompaniment import services as accompaniment_services
from accompaniment.models import Holder, ProjectStatus
from dla import services as dla_services
from dla.models import StepKind, Structure
from pes21.mail import send_later, templated
from pes21.models import User
from pes21.phones import normalise_phone
from pes21.roles import DIRECTOR

from . import antispam, notice
from .models import (
    ProjectRequest,
    RequestKind,
    RequestStatus,
)


def _on_duty() -> list[str]:
    """Who is told of a new request: PUBLIC_REQUESTS_NOTIFY, else the direction."""
    if settings.PUBLIC_REQUESTS_NOTIFY:
        return list(settings.PUBLIC_REQUESTS_NOTIFY)
    directors = User.objects.filter(groups__name=DIRECTOR, is_active=True).exclude(email="")
    return sorted(set(directors.values_list("email", flat=True)))


def _create_for_creation(request: ProjectRequest, person: dict, today: dt.date) -> None:
    holder = accompaniment_services.holder_create(
        data={
            "last_name": person["last_name"],
            "first_name": person["first_name"],
            "email": person["email"],
            "phone": person["phone"],
            "postal_code": request.postal_code,
            "commune": request.commune,
            "consent_on": today,
        }
    )
    name = person.get("project_name") or f"Projet de {person['first_name']} {person['last_name']}"
    request.holder = holder
    request.project = accompaniment_services.project_create(
        data={
            "name": name[:200],
            "received_on": today,
            "status": ProjectStatus.RECEIVED,
            "summary": f"Demande déposée en ligne le {today:%d/%m/%Y}.\n\n{request.idea}",
        },
        holders=[holder],
        user=None,
    )


def _create_for_structure(request: ProjectRequest, person: dict, today: dt.date) -> None:
    request.contact_first_name = person["first_name"]
    request.contact_last_name = person["last_name"]
    request.contact_email = person["email"]
    request.contact_phone = person["phone"]
    known = Structure.objects.filter(siret=request.siret).first() if request.siret else None
    if known is not None:
        # A public form never writes into a known structure's path: staff do, once met.
        request.structure, request.structure_was_known = known, True
        return
    request.structure = dla_services.structure_create(
        data={
            "name": request.structure_name,
            "siret": request.siret,
            "employees": person.get("employees"),
            "postal_code": request.postal_code,
            "commune": request.commune,
        }
    )
    dla_services.step_record(
        structure=request.structure,
        data={
            "kind": StepKind.RECEPTION,
            "date": today,
            "notes": "Demande déposée en ligne (« Déposer mon projet »).",
        },
    )


def project_request_submit(
    *, data: dict[str, Any], site_url: str, now: dt.datetime | None = None
) -> ProjectRequest:
    """Record a request from « Déposer mon projet »: the holder and project « accueilli » (or
    the DLA structure and its reception), the request itself, an e-mail to the person saying
    what happens next and one to the staff on duty. All or nothing."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    person = {
        "first_name": data["first_name"].strip(),
        "last_name": data["last_name"].strip(),
        "email": data["email"].strip().lower(),
        "phone": normalise_phone(data.get("phone") or ""),
        "project_name": (data.get("project_name") or "").strip(),
        "employees": data.get("employees"),
    }
    request = ProjectRequest(
        kind=data["kind"],
        idea=data["idea"].strip(),
        postal_code=data["postal_code"],
        commune=data["commune"],
        stage=data["stage"],
        heard_from=data.get("heard_from") or "",
        heard_from_detail=(data.get("heard_from_detail") or "").strip(),
        structure_name=(data.get("structure_name") or "").strip(),
        siret=data.get("siret") or "",
        consent_at=now,
        notice_version=notice.CURRENT,
    )
    with transaction.atomic():
        if not antispam.may_mail(person["email"]):
            raise ValidationError(antispam.MAILS_SPENT, code="mails_spent")
        if request.kind == RequestKind.CREATION:
            _create_for_creation(request, person, today)
        else:
            _create_for_structure(request, person, today)
        request.full_clean()
        request.save()
        context = {"request": request, "person": person, "site_url": site_url}
        send_later(
            templated(
                subject="Votre demande au Pôle d'Économie Solidaire 21",
                template="public/email/request_received.txt",
                context=context,
                to=person["email"],
            ),
            *[
                templated(
                    subject=f"Nouvelle demande « Déposer mon projet » : {request.person_name}",
                    template="public/email/request_staff.txt",
                    context={**context, "url": site_url + request.get_absolute_url()},
                    to=address,
                )
                for address in _on_duty()
            ],
        )
    return request


@transaction.atomic
def project_request_use_known_holder(
    *, request: ProjectRequest, holder: Holder, user: User
) -> ProjectRequest:
    """Staff confirmed the person is a holder already known: the request's project becomes
    theirs, and the record the request created for them goes, as it holds nothing else."""
    from .selectors import request_known_holders

    if request.project is None or holder not in request_known_holders(request):
        raise ValidationError("Ce porteur ne correspond pas à la personne de la demande.")
    created = request.holder
    accompaniment_services.project_update(
        project=request.project, data={}, holders=[holder], user=user
    )
    request.holder = holder
    request.save(update_fields=["holder"])
    if (
        created is not None
        and not created.projects.exists()
        and not created.collective_actions.exists()
        and not created.public_requests.exists()
    ):
        created_id = created.pk
        created.delete()
        # Its history too (deleting wrote one more row): a record made by mistake, no trace.
        Holder.history.filter(id=created_id).delete()
    return request


def project_request_mark_handled(*, request: ProjectRequest, user: User) -> ProjectRequest:
    request.status = RequestStatus.HANDLED
    request.handled_at = timezone.now()
    request.handled_by = user
    request.save(update_fields=["status", "handled_at", "handled_by"])
    return request


def blank_requests(queryset) -> int:
    """Empty what the requests say of a person (the request itself stays, counted)."""
    return queryset.update(
        idea="",
        heard_from_detail="",
        contact_first_name="",
        contact_last_name="",
        contact_email="",
        contact_phone="",
    )


def project_request_erase(*, request: ProjectRequest) -> None:
    """What the person wrote and their contact, out of the request (the holder and project are
    erased through the RGPD page, like every holder's)."""
    blank_requests(ProjectRequest.objects.filter(pk=request.pk))
