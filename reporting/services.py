import json

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from pes21.concurrency import save_versioned

from .images import prepare_image
from .models import (
    EditionStatus,
    Focus,
    ImageKind,
    ReportEdition,
    ReportImage,
    TerritoryNarrative,
)
from .registry import SCHEMA, check
from .selectors import report_figures, staff_team

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
    "volunteer_missions_intro",
    "team_text",
    "text_dijon",
    "text_club",
    "memberships",
)


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
    """Lock the edition and freeze its figures as they are now, with the figure registry's
    schema version they follow."""
    with transaction.atomic():
        current = ReportEdition.objects.select_for_update().get(pk=edition.pk)
        if current.is_published:
            raise ValidationError("Ce rapport est déjà publié.")
        # A JSON round trip stores exactly what the JSON export gives (no Decimal, no date).
        current.frozen_figures = check(
            json.loads(json.dumps(report_figures(current.year), cls=DjangoJSONEncoder))
        )
        current.figures_schema = SCHEMA
        current.frozen_team = staff_team()
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
        current.figures_schema = None
        current.frozen_team = None
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


# --- Issue 15: editions started from last year's texts, images, narratives --------------------

# Texts a new edition takes over from the year before, for the director to reread.
CARRIED_OVER_FIELDS = tuple(f for f in EDITABLE_FIELDS if f not in ("rapport_moral_signature",))
CARRIED_OVER_IMAGES = (ImageKind.LOGO, ImageKind.PARTNER, ImageKind.MEMBERSHIP)


def edition_draft(*, year: int) -> ReportEdition:
    """The edition of `year` as its form opens: the saved one, or an unsaved one holding the
    latest earlier edition's texts. Nothing is written (opening a page records nothing)."""
    edition = ReportEdition.objects.filter(year=year).first()
    if edition:
        return edition
    edition = ReportEdition(year=year)
    previous = ReportEdition.objects.filter(year__lt=year).order_by("-year").first()
    if previous:
        copied = []
        for field in CARRIED_OVER_FIELDS:
            value = getattr(previous, field)
            setattr(edition, field, value)
            if value:
                copied.append(field)
        edition.to_review = copied
    return edition


def edition_start(*, year: int, user) -> ReportEdition:
    """Create the edition of `year` from last year's texts (marked « à relire ») and logos."""
    with transaction.atomic():
        existing = ReportEdition.objects.select_for_update().filter(year=year).first()
        if existing:
            return existing
        edition = edition_draft(year=year)
        edition.updated_by = user
        edition.full_clean()
        edition.save()
        previous = ReportEdition.objects.filter(year__lt=year).order_by("-year").first()
        if previous:
            ReportImage.objects.bulk_create(
                ReportImage(
                    edition=edition,
                    kind=image.kind,
                    section=image.section,
                    alt=image.alt,
                    content_type=image.content_type,
                    data=image.data,
                    width=image.width,
                    height=image.height,
                    position=image.position,
                )
                for image in previous.images.filter(kind__in=CARRIED_OVER_IMAGES)
            )
    return edition


def edition_save_texts(*, year: int, data: dict, version: int, user) -> ReportEdition:
    """Save some of the texts (one section of the form): reread texts lose « à relire »."""
    edition = edition_start(year=year, user=user)
    with transaction.atomic():
        current = edition_update(edition=edition, data=data, version=version, user=user)
        if current.to_review:
            current.to_review = [f for f in current.to_review if f not in data]
            ReportEdition.objects.filter(pk=current.pk).update(to_review=current.to_review)
    return current


def image_add(
    *, edition: ReportEdition, kind: str, section: str, alt: str, upload, user
) -> ReportImage:
    """Check, resize and keep an image with a draft edition; logo and cover are replaced."""
    if edition.is_published:
        raise ValidationError(LOCKED_MESSAGE)
    prepared = prepare_image(upload, logo=kind in CARRIED_OVER_IMAGES)
    with transaction.atomic():
        if kind in (ImageKind.LOGO, ImageKind.COVER, ImageKind.TEAM):
            edition.images.filter(kind=kind).delete()
        if kind == ImageKind.SECTION:
            edition.images.filter(kind=kind, section=section).delete()
        image = ReportImage(
            edition=edition,
            kind=kind,
            section=section if kind == ImageKind.SECTION else "",
            alt=alt,
            content_type=prepared.content_type,
            data=prepared.data,
            width=prepared.width,
            height=prepared.height,
            position=edition.images.filter(kind=kind).count(),
        )
        image.full_clean()
        image.save()
    return image


def image_delete(*, image: ReportImage, user) -> None:
    if image.edition.is_published:
        raise ValidationError(LOCKED_MESSAGE)
    image.delete()


def narrative_save(*, narrative: TerritoryNarrative, user) -> TerritoryNarrative:
    if narrative.edition.is_published:
        raise ValidationError(LOCKED_MESSAGE)
    narrative.full_clean()
    narrative.save()
    return narrative
