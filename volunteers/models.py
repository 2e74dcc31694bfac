from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from pes21.concurrency import version_field
from pes21.dates import today, year_bounds
from pes21.links import record_url
from pes21.phones import clean_phone_field
from pes21.validators import (
    EmailAddressField,
    minutes_in_a_day,
    validate_not_future,
    validate_plausible_date,
)


class Mission(models.TextChoices):
    UPSTREAM_RECEPTION = "accueil_amont", "Accueil en amont"
    CO_ACCOMPANIMENT = "co_accompagnement", "Co-accompagnement"
    POST_ACCOMPANIMENT = "post_accompagnement", "Post-accompagnement"
    ASSOCIATIVE_LIFE = "vie_associative", "Vie associative"


class Skill(models.Model):
    name = models.CharField("compétence", max_length=100, unique=True)

    class Meta:
        verbose_name = "compétence"
        verbose_name_plural = "compétences"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VolunteerQuerySet(models.QuerySet):
    def present_on(self, day) -> "VolunteerQuerySet":
        """Volunteers who have joined and not left on `day`."""
        return self.filter(joined_on__lte=day).filter(Q(left_on__isnull=True) | Q(left_on__gte=day))

    def active_between(self, start, end) -> "VolunteerQuerySet":
        return self.filter(joined_on__lte=end).filter(
            Q(left_on__isnull=True) | Q(left_on__gte=start)
        )

    def active_in(self, year: int) -> "VolunteerQuerySet":
        start, end = year_bounds(year)
        return self.filter(joined_on__lte=end).filter(
            Q(left_on__isnull=True) | Q(left_on__gte=start)
        )

    def search(self, text: str) -> "VolunteerQuerySet":
        """Every word in the volunteer's last or first name."""
        for word in text.split():
            self = self.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word))
        return self


class Volunteer(models.Model):
    """A bénévole of the association; linked to an account once invited."""

    ref = models.CharField("référence", max_length=50, unique=True, null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
        verbose_name="compte",
    )
    last_name = models.CharField("nom", max_length=100)
    first_name = models.CharField("prénom", max_length=100)
    email = EmailAddressField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="volunteers")
    # Codes of Mission; a list keeps the contract's ";"-separated column whole.
    missions = models.JSONField("missions souhaitées", default=list, blank=True)
    availability = models.CharField("disponibilités", max_length=300, blank=True)
    joined_on = models.DateField("arrivé·e le", validators=[validate_plausible_date])
    left_on = models.DateField(
        "parti·e le", null=True, blank=True, validators=[validate_plausible_date]
    )
    consent_on = models.DateField(
        "consentement RGPD le", null=True, blank=True, validators=[validate_not_future]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = version_field()
    history = HistoricalRecords()

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = "bénévole"
        verbose_name_plural = "bénévoles"
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="volunteer_left_after_joined",
                violation_error_message="La date de départ précède la date d'arrivée.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_absolute_url(self) -> str:
        return record_url("volunteers:volunteer_detail", self.pk)

    def clean(self) -> None:
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": "La date de départ précède la date d'arrivée."})
        clean_phone_field(self)

    def get_missions_display(self) -> list[str]:
        labels = dict(Mission.choices)
        return [labels.get(code, code) for code in self.missions]

    def is_present_on(self, day) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on >= day)


class CaseStatus(models.TextChoices):
    OPEN = "ouvert", "Ouvert aux bénévoles"
    TAKEN = "pris", "Pris par un·e bénévole"
    CONFIRMED = "confirme", "Confirmé"
    CLOSED = "clos", "Clos"


# Cases whose volunteer is at work on them: contact details are shown, time can be logged.
ACTIVE_CASE_STATUSES = (CaseStatus.TAKEN, CaseStatus.CONFIRMED)


class CaseQuerySet(models.QuerySet):
    def open(self) -> "CaseQuerySet":
        return self.filter(status=CaseStatus.OPEN, volunteer__isnull=True)

    def in_progress(self) -> "CaseQuerySet":
        return self.filter(status__in=ACTIVE_CASE_STATUSES)

    def of_volunteer(self, volunteer: "Volunteer") -> "CaseQuerySet":
        return self.filter(volunteer=volunteer)


class Case(models.Model):
    """A project opened to co-accompaniment: what is needed, and the volunteer who took it."""

    # The activity files' identifier (docs/import-format.md), given by the first export.
    ref = models.CharField("référence", max_length=50, unique=True, null=True, blank=True)
    project = models.ForeignKey(
        "accompaniment.Project",
        on_delete=models.CASCADE,
        related_name="volunteer_cases",
        verbose_name="projet",
    )
    mission = models.CharField(
        "mission", max_length=30, choices=Mission.choices, default=Mission.CO_ACCOMPANIMENT
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="cases", verbose_name="compétences recherchées"
    )
    expected_hours = models.DecimalField(
        "temps prévu (heures)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    # Shown to every volunteer on the board: what is needed, never who the holder is.
    description = models.TextField("besoin", max_length=1000)
    status = models.CharField(
        "statut", max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name="bénévole",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opened_volunteer_cases",
        verbose_name="ouvert par",
    )
    opened_at = models.DateTimeField("ouvert le", auto_now_add=True)
    taken_at = models.DateTimeField("pris le", null=True, blank=True)
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)
    closed_at = models.DateTimeField("clos le", null=True, blank=True)
    closing_note = models.CharField("note de clôture", max_length=200, blank=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    history = HistoricalRecords(m2m_fields=[skills])

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "dossier de co-accompagnement"
        verbose_name_plural = "dossiers de co-accompagnement"
        ordering = ["-opened_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "opened_at"]),
            # The list's order: its first page read from the index, not from every case joined.
            models.Index(fields=["opened_at", "id"]),
        ]
        constraints = [
            # The database's last word on the board: an open case has no volunteer, a taken
            # or confirmed one has exactly one.
            models.CheckConstraint(
                condition=(Q(status=CaseStatus.OPEN) & Q(volunteer__isnull=True))
                | (Q(status__in=ACTIVE_CASE_STATUSES) & Q(volunteer__isnull=False))
                | Q(status=CaseStatus.CLOSED),
                name="case_volunteer_matches_status",
                violation_error_message="Le statut du dossier ne correspond pas à son bénévole.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_mission_display()} – {self.project}"

    def get_absolute_url(self) -> str:
        return record_url("volunteers:case_detail", self.pk)

    @property
    def is_in_progress(self) -> bool:
        return self.status in ACTIVE_CASE_STATUSES

    def clean(self) -> None:
        # The database's constraint case_volunteer_matches_status, said on the field.
        has_volunteer = self.volunteer_id is not None or getattr(self, "volunteer", None)
        if self.status == CaseStatus.OPEN and has_volunteer:
            raise ValidationError(
                {"volunteer": "Un dossier ouvert aux bénévoles n'a pas encore de bénévole."}
            )
        if self.status in ACTIVE_CASE_STATUSES and not has_volunteer:
            raise ValidationError({"volunteer": "Un dossier pris ou confirmé a son bénévole."})
        project = getattr(self, "project", None)
        if project is not None and project.is_closed and self.status != CaseStatus.CLOSED:
            # Closing a project closes its cases: none is open or in progress on a closed one.
            raise ValidationError(
                {
                    "project": "Ce projet est clos : il ne peut plus être ouvert au "
                    "co-accompagnement."
                }
            )


class ContributionQuerySet(models.QuerySet):
    def between(self, start, end) -> "ContributionQuerySet":
        return self.filter(date__range=(start, end))


class Contribution(models.Model):
    """Time a volunteer gave: on one of their cases, or on another mission of the association."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="contributions", verbose_name="bénévole"
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name="dossier",
    )
    mission = models.CharField("mission", max_length=30, choices=Mission.choices)
    date = models.DateField("date", validators=[validate_plausible_date])
    minutes = models.PositiveIntegerField("temps passé (minutes)", validators=minutes_in_a_day)
    notes = models.TextField("ce qui a été fait", blank=True, max_length=4000)
    created_at = models.DateTimeField("saisi le", auto_now_add=True)
    # No change history: contributions are never edited, and a history table would keep the
    # notes that the RGPD erasure blanks.

    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = "contribution"
        verbose_name_plural = "contributions"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["date", "mission"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gt=0),
                name="contribution_minutes_positive",
                violation_error_message="Le temps passé doit être positif.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} – {self.date:%d/%m/%Y}"

    def clean(self) -> None:
        errors = {}
        if self.case_id is not None:
            if self.case.volunteer_id != self.volunteer_id:
                errors["case"] = "Ce dossier n'est pas le vôtre."
            elif self.case.mission != self.mission:
                errors["mission"] = "La mission est celle du dossier."
        if self.date and self.date > today():
            errors["date"] = "La date ne peut pas être dans le futur."
        volunteer = getattr(self, "volunteer", None)
        if self.date and volunteer is not None and "date" not in errors:
            # Time counts for the year's volunteering: only while the volunteer was one.
            if volunteer.joined_on and self.date < volunteer.joined_on:
                errors["date"] = (
                    f"Cette date précède l'arrivée du ou de la bénévole "
                    f"({volunteer.joined_on:%d/%m/%Y})."
                )
            elif volunteer.left_on and self.date > volunteer.left_on:
                errors["date"] = (
                    f"Cette date suit le départ du ou de la bénévole "
                    f"({volunteer.left_on:%d/%m/%Y})."
                )
        if errors:
            raise ValidationError(errors)
