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
    partners = models.TextField(
        "partenaires", blank=True, help_text="Un partenaire par ligne, dans l'ordre d'affichage."
    )
    contact = models.TextField(
        "coordonnées", blank=True, help_text="Adresse, téléphone et courriel de l'association."
    )
    frozen_figures = models.JSONField("chiffres figés", null=True, blank=True, editable=False)
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
                condition=Q(status="brouillon") | Q(frozen_figures__isnull=False),
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


class FocusSection(models.TextChoices):
    VIE_ASSOCIATIVE = "vie_associative", "Vie associative et salariés"
    GENERATEUR = "generateur", "Générateur"
    DLA = "dla", "DLA"
    CREATION = "creation", "Création et reprise"
    SENSIBILISATION = "sensibilisation", "Sensibilisation et formations"
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
    position = models.PositiveSmallIntegerField("ordre", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "focus"
        verbose_name_plural = "focus"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        sources = [self.project_id, self.structure_id, self.territorial_project_id]
        if sum(1 for source in sources if source) > 1:
            raise ValidationError(
                "Un focus porte sur un projet, une structure ou un projet de territoire, "
                "pas plusieurs à la fois."
            )

    @property
    def subject(self):
        return self.project or self.structure or self.territorial_project
