import json

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from pes21.concurrency import save_versioned

from .models import EditionStatus, Focus, ReportEdition
from .selectors import report_figures

LOCKED_MESSAGE = "Ce rapport est publié : ses textes et ses chiffres sont figés."

EDITABLE_FIELDS = (
    "rapport_moral",
    "rapport_moral_signature",
    "edito",
    "edito_signature",
    "vie_associative",
    "projet_associatif",
    "text_generateur",
    "text_dla",
    "text_creation",
    "text_sensibilisation",
    "perspectives",
    "partners",
    "contact",
)


def edition_get_or_create(*, year: int) -> ReportEdition:
    edition, _ = ReportEdition.objects.get_or_create(year=year)
    return edition


def edition_update(*, edition: ReportEdition, data: dict, version: int, user) -> ReportEdition:
    """Save the director's texts, unless the edition is published or was changed meanwhile."""
    with transaction.atomic():
        current = ReportEdition.objects.select_for_update().get(pk=edition.pk)
        if current.is_published:
            raise ValidationError(LOCKED_MESSAGE)
        for field in EDITABLE_FIELDS:
            if field in data:
                setattr(current, field, data[field])
        current.updated_by = user
        current.full_clean()
        save_versioned(current, version)
    return current


def edition_publish(*, edition: ReportEdition, user) -> ReportEdition:
    """Lock the edition and freeze its figures as they are now."""
    with transaction.atomic():
        current = ReportEdition.objects.select_for_update().get(pk=edition.pk)
        if current.is_published:
            raise ValidationError("Ce rapport est déjà publié.")
        # A JSON round trip stores exactly what the JSON export gives (no Decimal, no date).
        current.frozen_figures = json.loads(
            json.dumps(report_figures(current.year), cls=DjangoJSONEncoder)
        )
        current.status = EditionStatus.PUBLISHED
        current.published_at = timezone.now()
        current.published_by = user
        current.version += 1
        current.full_clean()
        current.save()
    return current


def edition_reopen(*, edition: ReportEdition, user) -> ReportEdition:
    """Back to draft: the frozen figures are dropped, the live ones show again."""
    with transaction.atomic():
        current = ReportEdition.objects.select_for_update().get(pk=edition.pk)
        if not current.is_published:
            raise ValidationError("Ce rapport n'est pas publié.")
        current.status = EditionStatus.DRAFT
        current.frozen_figures = None
        current.published_at = None
        current.published_by = None
        current.version += 1
        current.updated_by = user
        current.full_clean()
        current.save()
    return current


def focus_save(*, focus: Focus, user) -> Focus:
    """Create or update a focus of a draft edition."""
    if focus.edition.is_published:
        raise ValidationError(LOCKED_MESSAGE)
    focus.full_clean()
    focus.save()
    return focus


def focus_delete(*, focus: Focus, user) -> None:
    if focus.edition.is_published:
        raise ValidationError(LOCKED_MESSAGE)
    focus.delete()
