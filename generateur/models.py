import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from dla.validators import validate_siren
from pes21.choices import LegalForm
from pes21.concurrency import version_field
from pes21.dates import year_bounds
from pes21.links import record_url


class TerritoryKind(models.TextChoices):
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "Communauté de communes (EPCI)"
    NEIGHBOURHOOD = "quartier", "Quartier"
    OTHER = "autre", "Autre"


class Phase(models.TextChoices):
    DETECTION = "detection", "Détection"
    OPPORTUNITY = "opportunite", "Opportunité"
    FEASIBILITY = "faisabilite", "Faisabilité"
    CREATION = "creation", "Création"
    HAND_OVER = "transmission", "Transmission"
    ABANDONED = "abandon", "Abandon"


# The method's path, in order; abandonment can happen at any point and is shown apart.
PHASE_PATH = (
    Phase.DETECTION,
    Phase.OPPORTUNITY,
    Phase.FEASIBILITY,
    Phase.CREATION,
    Phase.HAND_OVER,
)


class ActionKind(models.TextChoices):
    DIAGNOSIS = "diagnostic", "Diagnostic"
    WORKSHOP = "atelier", "Atelier avec les habitants"
    MOBILISATION = "mobilisation", "Mobilisation"
    LEARNING_VISIT = "visite_apprenante", "Visite apprenante"
    STEERING = "comite_pilotage", "Comité de pilotage"
    OTHER = "autre", "Autre"


_INSEE_COMMUNE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


class TerritoryQuerySet(models.QuerySet):
    def with_project_count(self) -> "TerritoryQuerySet":
        return self.annotate(project_count=Count("projects", distinct=True))

    def search(self, text: str) -> "TerritoryQuerySet":
        for word in text.split():
            self = self.filter(Q(name__icontains=word) | Q(insee_code__startswith=word))
        return self


class Territory(models.Model):
    """A commune, EPCI or neighbourhood where territorial projects happen."""

    ref = models.CharField("référence", max_length=50, unique=True, null=True, blank=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=20, choices=TerritoryKind.choices)
    insee_code = models.CharField("code INSEE ou SIREN", max_length=9, blank=True)
    version = version_field()
    history = HistoricalRecords()

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = "territoire"
        verbose_name_plural = "territoires"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("generateur:territory_detail", self.pk)

    def clean(self) -> None:
        code = self.insee_code
        if not code:
            return
        if self.kind == TerritoryKind.COMMUNE and not _INSEE_COMMUNE.match(code):
            raise ValidationError(
                {"insee_code": "Le code INSEE d'une commune compte 5 caractères (21231, 2A004)."}
            )
        if self.kind == TerritoryKind.EPCI:
            try:
                validate_siren(code)
            except ValidationError as exc:
                raise ValidationError({"insee_code": exc.messages}) from None
        if self.kind == TerritoryKind.COMMUNE:
            self._check_official_commune(code)

    def _check_official_commune(self, code: str) -> None:
        """A commune of the Côte-d'Or is one of the official list, under its own name: the
        report's figures by territory would otherwise split one commune in two."""
        from . import places  # the list names TerritoryKind: imported once the models are

        if not code.startswith(places.DEPARTMENT_PREFIX):
            return
        official = places.get(code)
        if official is None:
            raise ValidationError(
                {
                    "insee_code": f"Aucune commune de la Côte-d'Or n'a le code INSEE {code} : "
                    "choisissez-la dans la liste."
                }
            )
        if places.folded(official.name) != places.folded(self.name):
            raise ValidationError(
                {
                    "insee_code": f"Le code INSEE {code} est celui de {official.name}, "
                    f"pas de {self.name}."
                }
            )


class TerritorialProjectQuerySet(models.QuerySet):
    def active_in(self, year: int) -> "TerritorialProjectQuerySet":
        start, end = year_bounds(year)
        return self.filter(started_on__lte=end).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=start)
        )

    def search(self, text: str) -> "TerritorialProjectQuerySet":
        """Every word in the project's name, territory or created structure."""
        for word in text.split():
            self = self.filter(
                Q(name__icontains=word)
                | Q(territory__name__icontains=word)
                | Q(created_structure_name__icontains=word)
            )
        return self

    def with_action_totals(self, year: int | None = None) -> "TerritorialProjectQuerySet":
        """Number of actions and participants summed (in `year` if given), by the database.

        Correlated subqueries rather than a join + GROUP BY: a list's page sums the actions of
        its 50 projects only, and its count stays a plain count."""
        actions = TerritorialAction.objects.filter(project=OuterRef("pk"))
        if year:
            actions = actions.filter(date__range=year_bounds(year))
        actions = actions.order_by().values("project")
        return self.annotate(
            action_count=Coalesce(
                Subquery(actions.annotate(n=Count("*")).values("n"), output_field=IntegerField()),
                0,
            ),
            participant_total=Coalesce(
                Subquery(
                    actions.annotate(n=Sum("participants")).values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
        )


class TerritorialProject(models.Model):
    """A project of territory following the Fabrique à Initiatives method."""

    ref = models.CharField("référence", max_length=50, unique=True, null=True, blank=True)
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="projects", verbose_name="territoire"
    )
    name = models.CharField("nom", max_length=200)
    started_on = models.DateField("début")
    ended_on = models.DateField("fin", null=True, blank=True)
    phase = models.CharField("phase", max_length=20, choices=Phase.choices, default=Phase.DETECTION)
    partners = models.TextField("partenaires locaux", blank=True)
    funders = models.TextField("financeurs", blank=True)
    summary = models.TextField("résumé", blank=True)
    created_structure_name = models.CharField("structure créée", max_length=200, blank=True)
    created_structure_legal_form = models.CharField(
        "forme juridique de la structure créée",
        max_length=20,
        choices=LegalForm.choices,
        blank=True,
    )
    created_structure_on = models.DateField("structure créée le", null=True, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="territorial_projects",
        verbose_name="chargé·e de mission",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = version_field()
    history = HistoricalRecords()

    objects = TerritorialProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "projet de territoire"
        verbose_name_plural = "projets de territoire"
        ordering = ["-started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="territorial_project_ended_after_started",
                violation_error_message="La fin du projet précède son début.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("generateur:project_detail", self.pk)

    def clean(self) -> None:
        errors = {}
        started, ended = self.started_on, self.ended_on
        created_on = self.created_structure_on
        if started and ended and ended < started:
            errors["ended_on"] = "La fin du projet précède son début."
        if started and created_on and created_on < started:
            errors["created_structure_on"] = (
                "La structure ne peut être créée avant le début du projet."
            )
        if (self.created_structure_legal_form or created_on) and not self.created_structure_name:
            errors["created_structure_name"] = "Indiquez le nom de la structure créée."
        if errors:
            raise ValidationError(errors)


class PhaseChange(models.Model):
    project = models.ForeignKey(
        TerritorialProject, on_delete=models.CASCADE, related_name="phase_changes"
    )
    phase = models.CharField("phase", max_length=20, choices=Phase.choices)
    changed_on = models.DateField("date")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    note = models.CharField("commentaire", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "changement de phase"
        verbose_name_plural = "changements de phase"
        ordering = ["changed_on", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.project} : {self.get_phase_display()} le {self.changed_on:%d/%m/%Y}"


class TerritorialActionQuerySet(models.QuerySet):
    def in_year(self, year: int) -> "TerritorialActionQuerySet":
        return self.filter(date__range=year_bounds(year))


class TerritorialAction(models.Model):
    project = models.ForeignKey(
        TerritorialProject, on_delete=models.CASCADE, related_name="actions"
    )
    date = models.DateField("date")
    kind = models.CharField("type", max_length=30, choices=ActionKind.choices)
    title = models.CharField("intitulé", max_length=200, blank=True)
    participants = models.PositiveIntegerField(
        "participants", null=True, blank=True, validators=[MinValueValidator(0)]
    )
    notes = models.TextField("notes", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = TerritorialActionQuerySet.as_manager()

    class Meta:
        verbose_name = "action de territoire"
        verbose_name_plural = "actions de territoire"
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return f"{self.project.get_absolute_url()}#action-{self.pk}"

    def clean(self) -> None:
        project = getattr(self, "project", None)
        if project is None or not self.date or not project.started_on:
            return
        if self.date < project.started_on:
            raise ValidationError(
                {"date": f"Cette date précède le début du projet ({project.started_on:%d/%m/%Y})."}
            )
        if project.ended_on and self.date > project.ended_on:
            raise ValidationError(
                {"date": f"Cette date suit la fin du projet ({project.ended_on:%d/%m/%Y})."}
            )
