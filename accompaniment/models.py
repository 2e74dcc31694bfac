import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from pes21.choices import LegalForm
from pes21.concurrency import version_field
from pes21.dates import year_bounds
from pes21.links import record_url
from pes21.phones import clean_phone_field
from pes21.validators import (
    EmailAddressField,
    minutes_in_a_day,
    validate_not_future,
    validate_plausible_date,
    validate_postal_code,
)


class Programme(models.TextChoices):
    BENEFICES_CREA = "benefices_crea", "Bénéfices'Créa"
    CRDVA = "crdva", "CRDVA"
    EMERGENCE = "emergence", "Émergence"
    GRAINES_ACTIONS = "graines_actions", "Graines d'Actions"
    AUTRE = "autre", "Autre"


class ProjectStatus(models.TextChoices):
    RECEIVED = "accueilli", "Accueilli"
    ACCOMPANIED = "accompagne", "Accompagné"
    CREATED = "cree", "Créé"
    ABANDONED = "abandonne", "Abandonné"
    REDIRECTED = "reoriente", "Réorienté"


CLOSED_STATUSES = (ProjectStatus.CREATED, ProjectStatus.ABANDONED, ProjectStatus.REDIRECTED)


class MeetingKind(models.TextChoices):
    INDIVIDUAL = "individuel", "Individuel"
    COLLECTIVE = "collectif", "Collectif"
    VIDEO = "visio", "Visioconférence"
    PHONE = "telephone", "Téléphone"


class ActionKind(models.TextChoices):
    WORKSHOP = "atelier", "Atelier"
    TRAINING = "formation", "Formation"
    EVENT = "evenement", "Événement"


class Series(models.TextChoices):
    CRDVA = "crdva", "CRDVA"
    PAROLES_EXPERT = "paroles_expert", "Paroles d'Experts"
    EMERGENCE = "emergence", "Émergence"
    OSEZ_ENTREPRENDRE = "osez_entreprendre", "Osez entreprendre autrement"
    CLUB_ENTREPRENEURS = "club_entrepreneurs", "Club des entrepreneurs de l'ESS"
    MOIS_ESS = "mois_ess", "Mois de l'ESS"
    AUTRE = "autre", "Autre"


class HolderQuerySet(models.QuerySet):
    def search(self, text: str) -> "HolderQuerySet":
        query = Q()
        for word in text.split():
            query &= (
                Q(last_name__icontains=word)
                | Q(first_name__icontains=word)
                | Q(email__icontains=word)
                | Q(commune__icontains=word)
            )
        return self.filter(query)

    def possible_duplicates_of(
        self, *, last_name: str, first_name: str, email: str, phone: str
    ) -> "HolderQuerySet":
        """Same name and same email or phone: most likely the same person typed twice."""
        contact = Q()
        if email:
            contact |= Q(email__iexact=email)
        if phone:
            contact |= Q(phone=phone)
        if not contact:
            return self.none()
        return self.filter(contact, last_name__iexact=last_name, first_name__iexact=first_name)


class Holder(models.Model):
    """A porteur de projet: a person who brings a project."""

    ref = models.CharField("référence", max_length=50, unique=True, null=True, blank=True)
    last_name = models.CharField("nom", max_length=100)
    first_name = models.CharField("prénom", max_length=100)
    email = EmailAddressField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    postal_code = models.CharField(
        "code postal", max_length=5, blank=True, validators=[validate_postal_code]
    )
    commune = models.CharField("commune", max_length=100, blank=True)
    consent_on = models.DateField(
        "consentement RGPD le", null=True, blank=True, validators=[validate_not_future]
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    # Kept by privacy.services.holders_last_contact_refresh on every write that moves it, so the
    # retention page reads an index instead of computing every holder's dates.
    last_contact_on = models.DateField("dernier contact", null=True, editable=False)
    version = version_field()
    history = HistoricalRecords(excluded_fields=["last_contact_on"])

    objects = HolderQuerySet.as_manager()

    class Meta:
        verbose_name = "porteur de projet"
        verbose_name_plural = "porteurs de projet"
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["last_contact_on", "id"], name="holder_last_contact"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_absolute_url(self) -> str:
        return record_url("accompaniment:holder_detail", self.pk)

    def clean(self) -> None:
        clean_phone_field(self)


def received_in_year(year: int) -> Q:
    """Came in during the year. The rules of the yearly figures are conditions on one project,
    so the report can count several years' figures in one pass (`ProjectQuerySet` uses them)."""
    return Q(received_on__range=year_bounds(year))


def active_in_year(year: int) -> Q:
    """Accompaniment (started_on–ended_on) overlapping the year."""
    start, end = year_bounds(year)
    return Q(started_on__isnull=False, started_on__lte=end) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)
    )


def created_in_year(year: int) -> Q:
    """Closed « créé », its structure created during the year."""
    return Q(status=ProjectStatus.CREATED, created_on__range=year_bounds(year))


class ProjectQuerySet(models.QuerySet):
    def in_programme(self, programme: str) -> "ProjectQuerySet":
        return self.filter(programme=programme)

    def received_in(self, year: int) -> "ProjectQuerySet":
        return self.filter(received_in_year(year))

    def active_in(self, year: int) -> "ProjectQuerySet":
        return self.filter(active_in_year(year))

    def received_or_active_in(self, year: int) -> "ProjectQuerySet":
        """What a "year" filter means on the project list: came in, or was followed, that year."""
        return self.filter(received_in_year(year) | active_in_year(year))

    def with_holders_in(self, commune: str) -> "ProjectQuerySet":
        matching = self.model.objects.filter(holders__commune__icontains=commune).values("pk")
        return self.filter(pk__in=matching)

    def created_in(self, year: int) -> "ProjectQuerySet":
        return self.filter(created_in_year(year))

    def of_report_year(self, year: int) -> "ProjectQuerySet":
        """The projects a report's focus may tell about: came in, followed or created that year."""
        return self.filter(received_in_year(year) | active_in_year(year) | created_in_year(year))

    def open(self) -> "ProjectQuerySet":
        return self.exclude(status__in=CLOSED_STATUSES)

    def next_step_late(self, today: dt.date) -> "ProjectQuerySet":
        """Open projects whose next step's day has passed: someone has to act (the rule of
        `Project.next_step_overdue`, for a list)."""
        return self.open().filter(next_step_on__lt=today)

    def search(self, text: str) -> "ProjectQuerySet":
        query = Q()
        for word in text.split():
            query &= (
                Q(name__icontains=word)
                | Q(holders__last_name__icontains=word)
                | Q(holders__first_name__icontains=word)
            )
        matching = self.model.objects.filter(query).values("pk")
        return self.filter(pk__in=matching)


class Project(models.Model):
    """A creation or take-over project of one or several holders."""

    ref = models.CharField("référence", max_length=50, unique=True, null=True, blank=True)
    name = models.CharField("nom du projet", max_length=200)
    holders = models.ManyToManyField(Holder, related_name="projects", verbose_name="porteurs")
    programme = models.CharField(
        "programme", max_length=20, choices=Programme.choices, default=Programme.BENEFICES_CREA
    )
    received_on = models.DateField("accueilli le", validators=[validate_plausible_date])
    started_on = models.DateField(
        "accompagnement commencé le", null=True, blank=True, validators=[validate_plausible_date]
    )
    ended_on = models.DateField(
        "accompagnement terminé le", null=True, blank=True, validators=[validate_plausible_date]
    )
    status = models.CharField(
        "statut", max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.RECEIVED
    )
    created_on = models.DateField("structure créée le", null=True, blank=True)
    legal_form = models.CharField(
        "forme juridique", max_length=20, choices=LegalForm.choices, blank=True
    )
    jobs_created = models.PositiveIntegerField("emplois créés", null=True, blank=True)
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referred_projects",
        verbose_name="référent·e",
    )
    summary = models.TextField("résumé", blank=True)
    next_step = models.CharField("prochaine étape", max_length=200, blank=True)
    next_step_on = models.DateField("prochaine étape le", null=True, blank=True)
    structure = models.ForeignKey(
        "dla.Structure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="origin_projects",
        verbose_name="structure issue du projet",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    version = version_field()
    history = HistoricalRecords(m2m_fields=[holders])

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "projet"
        verbose_name_plural = "projets"
        ordering = ["-received_on", "pk"]
        indexes = [
            models.Index(fields=["programme", "received_on"]),
            models.Index(fields=["started_on", "ended_on"]),
            models.Index(fields=["status", "created_on"]),
            # The list's default order, latest received first, read from the index.
            models.Index(fields=["received_on", "id"]),
            # The dashboard's open projects: next steps due, and each referent's workload.
            models.Index(
                fields=["next_step_on", "referent"],
                name="project_open_next_step",
                condition=~Q(status__in=CLOSED_STATUSES),
            ),
            models.Index(
                fields=["referent", "status"],
                name="project_open_referent",
                condition=~Q(status__in=CLOSED_STATUSES),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="project_ended_after_started",
                violation_error_message="La fin de l'accompagnement précède son début.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("accompaniment:project_detail", self.pk)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def next_step_overdue(self) -> bool:
        """A next step whose day has passed on a project still open: someone has to act."""
        return (
            self.next_step_on is not None
            and self.next_step_on < timezone.localdate()
            and not self.is_closed
        )

    def clean(self) -> None:
        # Field errors here, so a form shows them on the field; the CheckConstraint stays
        # as the database's last word (and is skipped by full_clean once ended_on has erred).
        errors = {}
        received, started, ended = self.received_on, self.started_on, self.ended_on
        if received and started and started < received:
            errors["started_on"] = "L'accompagnement ne peut pas commencer avant l'accueil."
        if started and ended and ended < started:
            errors["ended_on"] = "La fin de l'accompagnement précède son début."
        elif received and ended and ended < received:
            errors["ended_on"] = "La fin de l'accompagnement précède l'accueil du projet."
        if self.status == ProjectStatus.CREATED:
            if not self.created_on:
                errors["created_on"] = "Un projet créé a une date de création de la structure."
            if not self.legal_form:
                errors["legal_form"] = "Indiquez la forme juridique de la structure créée."
        if errors:
            raise ValidationError(errors)
        if self.is_closed:
            # A closed project has nothing next: whichever door closes it, its next step goes
            # (the agenda and the dashboard's overdue steps would keep showing it otherwise).
            self.next_step, self.next_step_on = "", None


class StatusChange(models.Model):
    """One step of a project's status history."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField("statut", max_length=20, choices=ProjectStatus.choices)
    changed_on = models.DateField("date")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    note = models.CharField("commentaire", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "changement de statut"
        verbose_name_plural = "changements de statut"
        ordering = ["changed_on", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.project} : {self.get_status_display()} le {self.changed_on:%d/%m/%Y}"


class MeetingQuerySet(models.QuerySet):
    def in_year(self, year: int) -> "MeetingQuerySet":
        return self.filter(date__range=year_bounds(year))


class Meeting(models.Model):
    """A rendez-vous with the holders of a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField("date", validators=[validate_plausible_date])
    duration_minutes = models.PositiveIntegerField(
        "durée (minutes)", null=True, blank=True, validators=minutes_in_a_day
    )
    kind = models.CharField(
        "type", max_length=20, choices=MeetingKind.choices, default=MeetingKind.INDIVIDUAL
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name="salarié·e",
    )
    notes = models.TextField("notes", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = version_field()
    history = HistoricalRecords()

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"Rendez-vous du {self.date:%d/%m/%Y} ({self.project})"

    def get_absolute_url(self) -> str:
        return f"{self.project.get_absolute_url()}#rendez-vous-{self.pk}"

    def clean(self) -> None:
        errors = {}
        project = getattr(self, "project", None)
        received = project.received_on if project is not None else None
        if self.date and received and self.date < received:
            errors["date"] = (
                f"Le rendez-vous ne peut pas précéder l'accueil du projet ({received:%d/%m/%Y})."
            )
        if errors:
            raise ValidationError(errors)


class CollectiveActionQuerySet(models.QuerySet):
    def in_year(self, year: int) -> "CollectiveActionQuerySet":
        return self.filter(date__range=year_bounds(year))

    def workshops(self) -> "CollectiveActionQuerySet":
        return self.filter(kind=ActionKind.WORKSHOP)

    def trainings(self) -> "CollectiveActionQuerySet":
        return self.filter(kind=ActionKind.TRAINING)

    def animated_by_pes(self) -> "CollectiveActionQuerySet":
        return self.filter(animated_by_pes=True)


class CollectiveAction(models.Model):
    """A workshop, training or event the association animates or takes part in."""

    ref = models.CharField("référence", max_length=50, unique=True, null=True, blank=True)
    date = models.DateField("date", validators=[validate_plausible_date])
    kind = models.CharField("type", max_length=20, choices=ActionKind.choices)
    series = models.CharField("cycle", max_length=30, choices=Series.choices, blank=True)
    title = models.CharField("intitulé", max_length=200)
    organisation = models.CharField("organisme partenaire", max_length=200, blank=True)
    animated_by_pes = models.BooleanField("animé par le PES 21", default=True)
    participants = models.PositiveIntegerField("participants", null=True, blank=True)
    hours = models.DecimalField(
        "durée (heures)",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    attendees = models.ManyToManyField(
        Holder, blank=True, related_name="collective_actions", verbose_name="porteurs présents"
    )
    notes = models.TextField("notes", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = version_field()
    history = HistoricalRecords()

    objects = CollectiveActionQuerySet.as_manager()

    class Meta:
        verbose_name = "action collective"
        verbose_name_plural = "actions collectives"
        ordering = ["-date", "pk"]
        # (date, id): the list's default order, newest first, read from the index.
        indexes = [models.Index(fields=["kind", "date"]), models.Index(fields=["date", "id"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return record_url("accompaniment:action_detail", self.pk)

    def clean(self) -> None:
        # The report names who animates what: the Pôle, or the organisation named here.
        if not self.animated_by_pes and not self.organisation.strip():
            raise ValidationError(
                {"organisation": "Indiquez l'organisme qui anime une action non animée par le PES."}
            )
