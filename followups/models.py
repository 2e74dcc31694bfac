"""Outcome follow-ups: is a structure the association helped still alive one, two, three years on?

A follow-up is due `years_after` years after its reference date: the creation of the structure
for a project closed « créé », the end of its latest engineering for a DLA structure (the
schedule is `settings.FOLLOW_UP_YEARS`). A row exists once the follow-up is answered; what is
still to do is computed from the schedule (`selectors.project_follow_ups_due`), so past years'
projects and imported ones need no row created in advance. The rules: docs/import-format.md,
« Outcome follow-ups »; the answers kept in spreadsheets are imported as `suivis.csv`.
"""

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from pes21.concurrency import version_field
from pes21.dates import today


class Outcome(models.TextChoices):
    ACTIVE = "active", "En activité"
    TAKEN_OVER = "reprise", "Reprise par d'autres"
    STOPPED = "arretee", "Arrêtée"


# A structure taken over goes on, its jobs with it: it counts as alive.
ALIVE = (Outcome.ACTIVE, Outcome.TAKEN_OVER)


def schedule() -> tuple[int, ...]:
    """The years after the reference date at which a follow-up is due (1, 2, 3 by default)."""
    return tuple(sorted(settings.FOLLOW_UP_YEARS))


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (or earlier); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class FollowUpQuerySet(models.QuerySet):
    def of_projects(self) -> "FollowUpQuerySet":
        return self.filter(project__isnull=False)

    def of_engineerings(self) -> "FollowUpQuerySet":
        return self.filter(engineering__isnull=False)

    def stopped(self) -> "FollowUpQuerySet":
        return self.filter(outcome=Outcome.STOPPED)


class FollowUp(models.Model):
    """The answer to one follow-up: the structure's state and jobs `years_after` years on."""

    project = models.ForeignKey(
        "accompaniment.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name="projet",
    )
    engineering = models.ForeignKey(
        "dla.Step",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name="ingénierie DLA",
    )
    years_after = models.PositiveSmallIntegerField(
        "suivi à (années)", validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    due_on = models.DateField("dû le")
    outcome = models.CharField("situation", max_length=10, choices=Outcome.choices)
    headcount = models.PositiveIntegerField("salarié·es", null=True, blank=True)
    fte = models.DecimalField(
        "ETP",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    note = models.TextField("note", max_length=2000, blank=True)
    answered_on = models.DateField("renseigné le")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="renseigné par",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = version_field()
    history = HistoricalRecords()

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = "suivi de structure"
        verbose_name_plural = "suivis de structures"
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=False, engineering__isnull=True)
                | Q(project__isnull=True, engineering__isnull=False),
                name="follow_up_one_target",
                violation_error_message="Un suivi porte sur un projet ou sur une ingénierie.",
            ),
            models.UniqueConstraint(
                fields=["project", "years_after"],
                condition=Q(project__isnull=False),
                name="follow_up_once_per_project_year",
                violation_error_message="Ce suivi a déjà été renseigné.",
            ),
            models.UniqueConstraint(
                fields=["engineering", "years_after"],
                condition=Q(engineering__isnull=False),
                name="follow_up_once_per_engineering_year",
                violation_error_message="Ce suivi a déjà été renseigné.",
            ),
        ]

    def __str__(self) -> str:
        return f"Suivi à {self.years_after} an{'s' if self.years_after > 1 else ''} – {self.target}"

    def get_absolute_url(self) -> str:
        return f"{self.target.get_absolute_url()}#suivis"

    @property
    def target(self):
        """What is followed: the project, or the DLA structure of the engineering."""
        return self.project if self.project_id else self.engineering.structure

    @property
    def has_project(self) -> bool:
        return self.project_id is not None or getattr(self, "project", None) is not None

    @property
    def has_engineering(self) -> bool:
        return self.engineering_id is not None or getattr(self, "engineering", None) is not None

    @property
    def is_alive(self) -> bool:
        return self.outcome in ALIVE

    def clean(self) -> None:
        if self.has_project and self.has_engineering:
            # The database's constraint follow_up_one_target, said on a field. Naming neither
            # is the service's to refuse: a form's record gets its target from the page.
            raise ValidationError(
                {
                    "project": "Un suivi porte soit sur un projet, soit sur une ingénierie DLA, "
                    "pas les deux."
                }
            )
        errors = {}
        if self.outcome in ALIVE and self.headcount is None:
            errors["headcount"] = "Indiquez le nombre de salarié·es (0 s'il n'y en a aucun)."
        if self.fte is not None and self.headcount is not None and self.fte > self.headcount:
            errors["fte"] = "Les ETP ne peuvent pas dépasser le nombre de salarié·es."
        if self.answered_on and self.answered_on > today():
            errors["answered_on"] = "La date du suivi ne peut pas être dans le futur."
        if errors:
            raise ValidationError(errors)


class DigestKind(models.TextChoices):
    STAFF = "equipe", "Récapitulatif de l'équipe"
    VOLUNTEER = "benevole", "Nouveaux dossiers pour un·e bénévole"


class DigestSent(models.Model):
    """A weekly digest sent: claimed before sending, so a second run the same week sends none."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=DigestKind.choices)
    week_of = models.DateField("semaine du")  # the Monday of the ISO week
    items = models.PositiveIntegerField("éléments", default=0)
    sent_at = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        verbose_name = "récapitulatif envoyé"
        verbose_name_plural = "récapitulatifs envoyés"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "week_of"], name="digest_once_per_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.user} – semaine du {self.week_of:%d/%m/%Y}"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A staff member's private calendar address: whoever has the token reads the feed, so it
    can be renewed (the old address then answers 404) or removed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    # A calendar is copied to phones and other services: by default its events carry a neutral
    # title and a link, no text anyone typed (a next step can name a holder or give a phone).
    detailed = models.BooleanField("titres détaillés", default=False)

    class Meta:
        verbose_name = "agenda partagé"
        verbose_name_plural = "agendas partagés"

    def __str__(self) -> str:
        return f"Agenda de {self.user}"
