import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from pes21.choices import LegalForm
from pes21.concurrency import version_field
from pes21.dates import today, year_bounds
from pes21.links import record_url
from pes21.phones import clean_phone_field
from pes21.validators import EmailAddressField, validate_plausible_date, validate_postal_code

from .validators import validate_siret


class StepKind(models.TextChoices):
    RECEPTION = "accueil", "Accueil"
    DIAGNOSIS = "diagnostic", "Diagnostic partagé"
    INDIVIDUAL_ENGINEERING = "ingenierie_individuelle", "Ingénierie individuelle"
    COLLECTIVE_ENGINEERING = "ingenierie_collective", "Ingénierie collective"
    POST_FOLLOW_UP = "suivi_post", "Suivi post-accompagnement"


ENGINEERING_KINDS = (StepKind.INDIVIDUAL_ENGINEERING, StepKind.COLLECTIVE_ENGINEERING)
BENEFICIARY_KINDS = (*ENGINEERING_KINDS, StepKind.POST_FOLLOW_UP)

# How far along the DLA path a kind is: the two engineerings are the same stage
# (the national "carrying out the path" phase), the follow-up comes after them.
STEP_RANK = {
    StepKind.RECEPTION: 1,
    StepKind.DIAGNOSIS: 2,
    StepKind.INDIVIDUAL_ENGINEERING: 3,
    StepKind.COLLECTIVE_ENGINEERING: 3,
    StepKind.POST_FOLLOW_UP: 4,
}


# A diagnosis may span weeks, so every kind may carry an end; these belong to engineerings.
ENGINEERING_ONLY_FIELDS = ("provider", "days", "cost_eur", "theme")
ONLY_FOR_ENGINEERING = "Ce champ ne concerne que les ingénieries."
REQUIRED_FOR_ENGINEERING = "Ce champ est obligatoire pour une ingénierie."
ESUS_YEARS = 5


def esus_expiry(obtained: dt.date) -> dt.date:
    """The agrément lasts five years; one obtained on 29 February ends on 28 February."""
    try:
        return obtained.replace(year=obtained.year + ESUS_YEARS)
    except ValueError:
        return obtained.replace(year=obtained.year + ESUS_YEARS, day=28)


class Stage(models.IntegerChoices):
    """The furthest stage a structure reached, for the list's filter."""

    RECEPTION = 1, "Accueil"
    DIAGNOSIS = 2, "Diagnostic partagé"
    ENGINEERING = 3, "Ingénierie (individuelle ou collective)"
    POST_FOLLOW_UP = 4, "Suivi post-accompagnement"


class StructureQuerySet(models.QuerySet):
    def search(self, text: str) -> "StructureQuerySet":
        query = Q()
        for word in text.split():
            query &= (
                Q(name__icontains=word) | Q(siret__startswith=word) | Q(commune__icontains=word)
            )
        # A SIRET is often typed or pasted in groups ("732 829 320 00074").
        digits = text.replace(" ", "").replace("\u00a0", "")
        if len(digits) >= 3 and digits.isdigit():
            query |= Q(siret__startswith=digits)
        return self.filter(query)

    def with_step_in_year(self, year: int) -> "StructureQuerySet":
        return self.filter(
            models.Exists(Step.objects.filter(structure=models.OuterRef("pk")).in_year(year))
        )


class Structure(models.Model):
    """An ESS employer organisation supported by the DLA."""

    ref = models.CharField("référence", max_length=50, unique=True, null=True, blank=True)
    name = models.CharField("nom", max_length=200)
    siret = models.CharField(
        "SIRET", max_length=14, blank=True, validators=[validate_siret], db_index=True
    )
    legal_form = models.CharField(
        "forme juridique", max_length=20, choices=LegalForm.choices, blank=True
    )
    sector = models.CharField("secteur", max_length=100, blank=True)
    employees = models.PositiveIntegerField("salarié·es", null=True, blank=True)
    fte = models.DecimalField(
        "ETP",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    postal_code = models.CharField(
        "code postal", max_length=5, blank=True, validators=[validate_postal_code]
    )
    commune = models.CharField("commune", max_length=100, blank=True)
    created_on = models.DateField("créée le", null=True, blank=True)
    esus_obtained_on = models.DateField("agrément ESUS obtenu le", null=True, blank=True)
    esus_expires_on = models.DateField("agrément ESUS expire le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = version_field()
    history = HistoricalRecords()

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
        ordering = ["name", "pk"]
        # (name, id): the list's default order; sector: its filter's choices (see sectors()).
        indexes = [models.Index(fields=["name", "id"]), models.Index(fields=["sector"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(esus_expires_on__isnull=True)
                | Q(esus_obtained_on__isnull=True)
                | Q(esus_expires_on__gte=models.F("esus_obtained_on")),
                name="structure_esus_expires_after_obtained",
                violation_error_message="L'agrément ESUS expire avant d'avoir été obtenu.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("dla:structure_detail", self.pk)

    def clean(self) -> None:
        obtained, expires = self.esus_obtained_on, self.esus_expires_on
        if obtained and not expires:
            self.esus_expires_on = expires = esus_expiry(obtained)
        if expires and not obtained:
            raise ValidationError(
                {"esus_obtained_on": "Indiquez la date d'obtention de l'agrément ESUS."}
            )
        if obtained and expires < obtained:
            raise ValidationError(
                {"esus_expires_on": "L'agrément ESUS ne peut pas expirer avant d'avoir été obtenu."}
            )


class ProviderQuerySet(models.QuerySet):
    def search(self, text: str) -> "ProviderQuerySet":
        query = Q()
        for word in text.split():
            query &= (
                Q(name__icontains=word)
                | Q(contact_name__icontains=word)
                | Q(themes__icontains=word)
            )
        return self.filter(query)


class Provider(models.Model):
    """A consultant (prestataire) paid by the DLA for engineering days."""

    name = models.CharField("nom", max_length=200, unique=True)
    contact_name = models.CharField("contact", max_length=200, blank=True)
    email = EmailAddressField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    themes = models.CharField("thèmes", max_length=300, blank=True)
    version = version_field()
    history = HistoricalRecords()

    objects = ProviderQuerySet.as_manager()

    class Meta:
        verbose_name = "prestataire"
        verbose_name_plural = "prestataires"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("dla:provider_detail", self.pk)

    def clean(self) -> None:
        clean_phone_field(self)


class CollectiveEngineering(models.Model):
    """One consultant working with several structures together."""

    ref = models.CharField("référence", max_length=50, unique=True)
    title = models.CharField("intitulé", max_length=200, blank=True)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, verbose_name="prestataire"
    )
    theme = models.CharField("thème", max_length=100, blank=True)
    started_on = models.DateField("début", null=True, blank=True)
    ended_on = models.DateField("fin", null=True, blank=True)
    deliverable = models.TextField("livrable", blank=True)
    version = version_field()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ingénierie collective"
        verbose_name_plural = "ingénieries collectives"
        ordering = ["-started_on", "ref"]

    def __str__(self) -> str:
        return self.title or self.ref

    def get_absolute_url(self) -> str:
        return record_url("dla:collective_detail", self.pk)

    def clean(self) -> None:
        # Its structures' steps take their consultant and theme from it, and date from its
        # start: without them, their engineerings would count for no one.
        errors = {}
        if not self.started_on:
            errors["started_on"] = "Indiquez la date de début."
        elif self.started_on > today():
            errors["started_on"] = (
                "Une ingénierie s'enregistre une fois commencée : ce début est à venir."
            )
        elif self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = "La fin ne peut pas précéder le début."
        if self.provider_id is None and getattr(self, "provider", None) is None:
            errors["provider"] = "Indiquez le prestataire de l'ingénierie collective."
        if not self.theme:
            errors["theme"] = "Indiquez le thème de l'ingénierie collective."
        if errors:
            raise ValidationError(errors)


class StepQuerySet(models.QuerySet):
    def in_year(self, year: int) -> "StepQuerySet":
        return self.filter(date__range=year_bounds(year))

    def of_kind(self, *kinds: str) -> "StepQuerySet":
        return self.filter(kind__in=kinds)

    def engineerings(self) -> "StepQuerySet":
        return self.of_kind(*ENGINEERING_KINDS)

    def beneficiaries(self) -> "StructureQuerySet":
        """The structures these steps made DLA beneficiaries: an engineering (individual or
        collective) or a post-accompaniment follow-up; each structure once."""
        return Structure.objects.filter(pk__in=self.beneficiary_structure_ids())

    def beneficiary_structure_ids(self) -> "StepQuerySet":
        """The ids of the structures `beneficiaries` returns, repeated when several steps
        count: a subquery to test a structure against without joining the structures."""
        return self.of_kind(*BENEFICIARY_KINDS).values("structure")

    def with_rank(self) -> "StepQuerySet":
        return self.annotate(
            rank=models.Case(
                *(models.When(kind=kind, then=rank) for kind, rank in STEP_RANK.items()),
                default=0,
                output_field=models.IntegerField(),
            )
        )


class Step(models.Model):
    """One step of a structure's DLA path; engineerings carry consultant, days and cost."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("étape", max_length=30, choices=StepKind.choices)
    date = models.DateField("date", validators=[validate_plausible_date])
    ended_on = models.DateField("fin", null=True, blank=True)
    collective = models.ForeignKey(
        CollectiveEngineering,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="steps",
        verbose_name="ingénierie collective",
    )
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="steps",
        verbose_name="prestataire",
    )
    days = models.DecimalField(
        "jours",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    cost_eur = models.DecimalField(
        "coût (€)",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    theme = models.CharField("thème", max_length=100, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dla_steps",
        verbose_name="chargé·e de mission",
    )
    notes = models.TextField("notes", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = version_field()
    history = HistoricalRecords()

    objects = StepQuerySet.as_manager()

    class Meta:
        verbose_name = "étape DLA"
        verbose_name_plural = "étapes DLA"
        ordering = ["date", "pk"]
        indexes = [
            # The structure read from the index alone: the report's beneficiary structures.
            models.Index(fields=["kind", "date", "structure"]),
            # Dated steps; with their kind, a year's steps are counted by kind from the index.
            models.Index(fields=["date", "kind"]),
            # Follow-ups due: an engineering's end (its end, else its date) within a window...
            models.Index(Coalesce("ended_on", "date"), F("kind"), name="dla_step_engineering_end"),
            # ...and no post follow-up of the same structure since.
            models.Index(fields=["structure", "kind", "date"]),
            # A structure's latest engineering (follow-ups, survival figures): no later one of
            # the same structure, found by one probe per engineering instead of a scan of all.
            models.Index(
                F("structure"),
                Coalesce("ended_on", "date"),
                name="dla_step_latest_engineering",
                condition=Q(kind__in=ENGINEERING_KINDS),
            ),
            # A consultant's days, money and structures (the consultants' list, all time or one
            # year), read from the index alone: no visit of the steps scattered in the table.
            models.Index(
                fields=["provider", "date", "days", "cost_eur", "structure"],
                name="dla_step_provider_figures",
                condition=Q(kind__in=ENGINEERING_KINDS),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("date")),
                name="step_ended_after_date",
                violation_error_message="La fin de l'étape précède son début.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.structure} ({self.date:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return record_url("dla:step_edit", self.pk)

    def fill_from_collective(self) -> None:
        """A structure's part of a collective engineering carries its consultant, and takes
        from it what it leaves empty: the theme, the end when it comes after the step's date."""
        collective = getattr(self, "collective", None)
        if self.kind != StepKind.COLLECTIVE_ENGINEERING or collective is None:
            return
        self.provider = collective.provider
        self.theme = self.theme or collective.theme
        ended = collective.ended_on
        if not self.ended_on and ended and self.date and ended >= self.date:
            self.ended_on = ended

    def clean(self) -> None:
        """The kind decides which fields matter; refuse what does not fit it, in French. A
        collective step first takes from its collective what it leaves empty."""
        self.fill_from_collective()
        errors: dict[str, str] = {}
        if self.date and self.date > today():
            errors["date"] = "Une étape s'enregistre une fois commencée : cette date est à venir."
        if self.ended_on and self.date and self.ended_on < self.date:
            errors["ended_on"] = "La fin de l'étape précède son début."
        collective = getattr(self, "collective", None)
        # The report counts collective engineerings by their reference: a collective step
        # belongs to one, and only a collective step does.
        if self.kind == StepKind.COLLECTIVE_ENGINEERING and collective is None:
            errors["collective"] = (
                "Une ingénierie collective est rattachée à l'ingénierie collective qui réunit "
                "ses structures."
            )
        if self.kind and self.kind != StepKind.COLLECTIVE_ENGINEERING and collective is not None:
            errors["collective"] = (
                "Seule une étape « Ingénierie collective » relève d'une ingénierie collective."
            )
        if self.kind in ENGINEERING_KINDS:
            # An engineering is paid by the DLA: its consultant, days, cost and theme are the
            # year's money and days, by theme and by consultant.
            for name in ENGINEERING_ONLY_FIELDS:
                if self._value(name) in (None, ""):
                    errors.setdefault(name, REQUIRED_FOR_ENGINEERING)
        elif self.kind:
            for name in ENGINEERING_ONLY_FIELDS:
                if self._value(name) not in (None, ""):
                    errors[name] = ONLY_FOR_ENGINEERING
        if errors:
            raise ValidationError(errors)

    def _value(self, name: str):
        # A relation by its id first: reading the object would cost a query per step.
        if name == "provider":
            return self.provider_id or getattr(self, "provider", None)
        return getattr(self, name)

    @property
    def is_engineering(self) -> bool:
        return self.kind in ENGINEERING_KINDS

    @property
    def finished_on(self):
        """When the step was over: its end, or its date for a one-day step."""
        return self.ended_on or self.date
