import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from pes21.concurrency import version_field


class EditionStatus(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    PUBLISHED = "publie", "Publié"


class ReportEditionQuerySet(models.QuerySet):
    def published(self) -> "ReportEditionQuerySet":
        return self.filter(status=EditionStatus.PUBLISHED)


class ReportEdition(models.Model):
    """The director's texts of one year's report; publishing freezes its figures."""

    year = models.PositiveSmallIntegerField("année", unique=True)
    status = models.CharField(
        "état", max_length=20, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    # Free sections, written in Markdown (rendered and sanitised on display).
    rapport_moral = models.TextField("rapport moral", blank=True)
    rapport_moral_signature = models.CharField(
        "signature du rapport moral", max_length=200, blank=True
    )
    edito = models.TextField("édito", blank=True)
    edito_signature = models.CharField("signature de l'édito", max_length=200, blank=True)
    vie_associative = models.TextField("vie associative et salariés", blank=True)
    projet_associatif = models.TextField("projet associatif", blank=True)
    text_generateur = models.TextField("texte du Générateur", blank=True)
    text_dla = models.TextField("texte du DLA", blank=True)
    text_creation = models.TextField("texte de la création d'entreprises", blank=True)
    text_sensibilisation = models.TextField("texte de la sensibilisation", blank=True)
    perspectives = models.TextField("temps forts et perspectives", blank=True)
    volunteer_missions_intro = models.TextField("missions des bénévoles (introduction)", blank=True)
    team_text = models.TextField("équipe salariée", blank=True)
    text_dijon = models.TextField("partenariat avec la Métropole et la Ville de Dijon", blank=True)
    text_club = models.TextField("Club des entrepreneurs de l'ESS", blank=True)
    memberships = models.TextField(
        "le Pôle est membre de",
        blank=True,
        help_text="Un réseau par ligne, dans l'ordre d'affichage.",
    )
    # The fields copied from last year's edition that nobody has saved since.
    to_review = models.JSONField("à relire", default=list, blank=True, editable=False)
    partners = models.TextField(
        "partenaires", blank=True, help_text="Un partenaire par ligne, dans l'ordre d'affichage."
    )
    contact = models.TextField(
        "coordonnées", blank=True, help_text="Adresse, téléphone et courriel de l'association."
    )
    frozen_figures = models.JSONField("chiffres figés", null=True, blank=True, editable=False)
    # The figure registry's schema the figures were frozen in (reporting/figure_types.py, SCHEMA):
    # an edition frozen before a key changed is read with the keys of its day.
    figures_schema = models.PositiveSmallIntegerField(
        "version des chiffres figés", null=True, blank=True, editable=False
    )
    # The staff team as printed on the day of publication (names and job titles change).
    frozen_team = models.JSONField("équipe figée", null=True, blank=True, editable=False)
    published_at = models.DateTimeField("publié le", null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="publié par",
        editable=False,
    )
    # Bumped on every save: a form sent from an older version is refused, not merged.
    version = version_field()
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="modifié par",
        editable=False,
    )
    history = HistoricalRecords()

    objects = ReportEditionQuerySet.as_manager()

    class Meta:
        verbose_name = "édition du rapport"
        verbose_name_plural = "éditions du rapport"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="brouillon")
                | Q(frozen_figures__isnull=False, figures_schema__isnull=False),
                name="published_edition_has_frozen_figures",
                violation_error_message="Une édition publiée garde ses chiffres figés.",
            ),
        ]

    def __str__(self) -> str:
        return f"Rapport d'activité {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:report", args=[self.year])

    @property
    def is_published(self) -> bool:
        return self.status == EditionStatus.PUBLISHED

    @property
    def partner_list(self) -> list[str]:
        return [line.strip() for line in self.partners.splitlines() if line.strip()]

    @property
    def membership_list(self) -> list[str]:
        return [line.strip() for line in self.memberships.splitlines() if line.strip()]


class FocusSection(models.TextChoices):
    VIE_ASSOCIATIVE = "vie_associative", "Vie associative et salariés"
    PROJET_ASSOCIATIF = "projet_associatif", "Projet associatif"
    GENERATEUR = "generateur", "Générateur"
    DLA = "dla", "DLA"
    CREATION = "creation", "Création et reprise"
    SENSIBILISATION = "sensibilisation", "Sensibilisation et formations"
    DIJON = "dijon", "Partenariat avec la Métropole et la Ville de Dijon"
    CLUB = "club", "Club des entrepreneurs de l'ESS"
    PERSPECTIVES = "perspectives", "Temps forts et perspectives"


class Focus(models.Model):
    """A testimonial ("focus") of the report, about a project, a structure or a territory."""

    edition = models.ForeignKey(
        ReportEdition, on_delete=models.CASCADE, related_name="focuses", verbose_name="édition"
    )
    section = models.CharField("rubrique", max_length=30, choices=FocusSection.choices)
    title = models.CharField("titre", max_length=200)
    speaker = models.CharField(
        "qui témoigne", max_length=200, blank=True, help_text="Par exemple : Pascale, cofondatrice"
    )
    text = models.TextField("témoignage", help_text="Markdown : **gras**, *italique*, listes.")
    project = models.ForeignKey(
        "accompaniment.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="projet",
    )
    structure = models.ForeignKey(
        "dla.Structure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="structure",
    )
    territorial_project = models.ForeignKey(
        "generateur.TerritorialProject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="projet de territoire",
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="bénévole",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "focus"
        verbose_name_plural = "focus"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        sources = [
            self.project_id,
            self.structure_id,
            self.territorial_project_id,
            self.volunteer_id,
        ]
        if sum(1 for source in sources if source) > 1:
            raise ValidationError(
                "Un focus porte sur un projet, une structure, un projet de territoire ou un "
                "bénévole, pas plusieurs à la fois."
            )

    @property
    def subject(self):
        return self.project or self.structure or self.territorial_project or self.volunteer

    @property
    def subject_line(self) -> str:
        """The subject's name printed under the heading, unless the heading already names it
        (« Focus sur : le projet Café associatif » needs no second « Café associatif »)."""
        subject = self.subject
        if subject is None:
            return ""
        name = str(subject)
        return "" if name.casefold() in self.heading.casefold() else name

    @property
    def heading(self) -> str:
        """The title without a « Focus sur : » the director may have typed: the page adds it."""
        return FOCUS_PREFIX.sub("", self.title).strip() or self.title


FOCUS_PREFIX = re.compile(r"^\s*focus\s+sur\s*:?\s*", re.IGNORECASE)


class TerritoryNarrative(models.Model):
    """What the report tells of one territorial project in the edition's year."""

    edition = models.ForeignKey(
        ReportEdition, on_delete=models.CASCADE, related_name="narratives", verbose_name="édition"
    )
    territorial_project = models.ForeignKey(
        "generateur.TerritorialProject",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="projet de territoire",
    )
    subtitle = models.CharField(
        "sous-titre",
        max_length=200,
        blank=True,
        help_text="Par exemple : Création d'une recyclerie",
    )
    text = models.TextField("récit de l'année", blank=True)

    class Meta:
        verbose_name = "récit d'un projet de territoire"
        verbose_name_plural = "récits des projets de territoire"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "territorial_project"], name="one_narrative_per_project"
            )
        ]

    def __str__(self) -> str:
        return f"{self.territorial_project} ({self.edition.year})"


class ImageKind(models.TextChoices):
    LOGO = "logo", "Logo de l'association"
    COVER = "couverture", "Photo de couverture"
    SECTION = "rubrique", "Photo d'une rubrique"
    TEAM = "equipe", "Photo de l'équipe"
    PARTNER = "partenaire", "Logo d'un partenaire"
    MEMBERSHIP = "adhesion", "Logo d'un réseau dont le Pôle est membre"


class ReportImage(models.Model):
    """An image printed in the edition, kept in the database with it (frozen on publication)."""

    edition = models.ForeignKey(
        ReportEdition, on_delete=models.CASCADE, related_name="images", verbose_name="édition"
    )
    kind = models.CharField("type", max_length=20, choices=ImageKind.choices)
    section = models.CharField("rubrique", max_length=30, choices=FocusSection.choices, blank=True)
    alt = models.CharField(
        "description de l'image",
        max_length=250,
        help_text="Ce que montre l'image, lu à la place de l'image par les lecteurs d'écran.",
    )
    content_type = models.CharField(max_length=20, editable=False)
    data = models.BinaryField(editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "image du rapport"
        verbose_name_plural = "images du rapport"
        ordering = ["kind", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.alt}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:image", args=[self.edition.year, self.pk])


class CachedFigures(models.Model):
    """Figures computed once for a data generation (reporting.figure_cache): one row per
    (kind, key), replaced when the data moved on, so the table never grows with time."""

    kind = models.CharField(max_length=20)
    key = models.CharField(max_length=20)
    generation = models.BigIntegerField()
    figures = models.JSONField()
    built_at = models.DateTimeField()
    build_ms = models.PositiveIntegerField()

    class Meta:
        verbose_name = "chiffres en cache"
        verbose_name_plural = "chiffres en cache"
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="cached_figures_kind_key")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} (génération {self.generation})"
