"""Writes of the end-of-accompaniment questionnaire: invitations (single-use links sent to a
closed project's holders) and answers."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accompaniment.models import Holder, Project
from pes21.mail import send_later, site_link, templated
from pes21.models import User
from pes21.services import set_fields
from privacy.models import Erasure, PersonKind

from . import notice
from .models import (
    QuestionnaireAnswer,
    QuestionnaireInvitation,
    new_token,
)


def questionnaire_invite(
    *,
    project: Project,
    holders: Iterable[Holder],
    user: User,
    site_url: str,
    now: dt.datetime | None = None,
) -> list[QuestionnaireInvitation]:
    """Send the chosen holders of a closed project a link to the questionnaire: unique,
    single-use, valid PUBLIC_QUESTIONNAIRE_DAYS days. A link sent before and not answered is
    replaced; a holder who answered is not asked again."""
    now = now or timezone.now()
    holders = list(holders)
    if not project.is_closed:
        raise ValidationError("Le questionnaire s'envoie une fois le projet clos.")
    if not holders:
        raise ValidationError("Cochez au moins un porteur.")
    project_holders = set(project.holders.values_list("pk", flat=True))
    answered = set(
        project.questionnaire_invitations.filter(answered_at__isnull=False).values_list(
            "holder_id", flat=True
        )
    )
    errors = []
    for holder in holders:
        if holder.pk not in project_holders:
            errors.append(f"{holder} n'est pas porteur de ce projet.")
        elif not holder.email:
            errors.append(f"{holder} n'a pas de courriel.")
        elif holder.pk in answered:
            errors.append(f"{holder} a déjà répondu.")
    if errors:
        raise ValidationError(errors)
    expires = now + dt.timedelta(days=settings.PUBLIC_QUESTIONNAIRE_DAYS)
    invitations = []
    with transaction.atomic():
        project.questionnaire_invitations.filter(
            holder__in=holders, answered_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        for holder in holders:
            token, hashed = new_token()
            invitation = QuestionnaireInvitation.objects.create(
                project=project,
                holder=holder,
                token_hash=hashed,
                sent_at=now,
                sent_by=user,
                expires_at=expires,
            )
            invitations.append(invitation)
            send_later(
                templated(
                    subject="Votre avis sur votre accompagnement au PES 21",
                    template="public/email/questionnaire.txt",
                    context={
                        "holder": holder,
                        "project": project,
                        "link": site_link(site_url, "public:questionnaire", token),
                        "expires": timezone.localtime(expires),
                    },
                    to=holder.email,
                )
            )
    return invitations


def invitation_for_link(token: str) -> QuestionnaireInvitation | None:
    if not token or len(token) > 100:
        return None
    return (
        QuestionnaireInvitation.objects.of_token(token).select_related("project", "holder").first()
    )


def _erased(holder: Holder) -> bool:
    """An anonymised holder's link no longer opens anything (their answers would name nobody)."""
    return Erasure.objects.filter(kind=PersonKind.HOLDER, object_id=holder.pk).exists()


def invitation_refusal(invitation: QuestionnaireInvitation | None, now: dt.datetime) -> str:
    """Why a link cannot be used ("" when it can): the page the person gets says it."""
    if invitation is None or invitation.revoked_at or _erased(invitation.holder):
        return "unknown"
    if invitation.answered_at:
        return "answered"
    if invitation.expires_at <= now:
        return "expired"
    return ""


def questionnaire_answer(
    *, invitation: QuestionnaireInvitation, data: dict[str, Any], now: dt.datetime | None = None
) -> QuestionnaireAnswer:
    """Keep a holder's answers; the link is then used up. A second sending (another tab, a
    double click) is refused: `ValidationError` with code "answered"."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            invitation = QuestionnaireInvitation.objects.select_for_update().get(pk=invitation.pk)
            refusal = invitation_refusal(invitation, now)
            if refusal:
                raise ValidationError("Ce lien ne peut plus servir.", code=refusal)
            answer = QuestionnaireAnswer(
                invitation=invitation, consent_at=now, notice_version=notice.CURRENT
            )
            set_fields(answer, data)
            answer.full_clean()
            answer.save()
            invitation.answered_at = now
            invitation.save(update_fields=["answered_at"])
    except IntegrityError:
        # Another request answered through the same link at the same instant.
        raise ValidationError("Ce lien ne peut plus servir.", code="answered") from None
    return answer
