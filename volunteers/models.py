from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from accompaniment.models import year_bounds


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
    def active_in(self, year: int) -> "VolunteerQuerySet":
        start, end = year_bounds(year)
        return self.filter(joined_on__lte=end).filter(
            Q(left_on__isnull=True) | Q(left_on__gte=start)
        )


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
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="volunteers")
    # Codes of Mission; a list keeps the contract's ";"-separated column whole.
    missions = models.JSONField("missions souhaitées", default=list, blank=True)
    availability = models.CharField("disponibilités", max_length=300, blank=True)
    joined_on = models.DateField("arrivé·e le")
    left_on = models.DateField("parti·e le", null=True, blank=True)
    consent_on = models.DateField("consentement RGPD le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
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
        return reverse("volunteers:volunteer_detail", args=[self.pk])

    def get_missions_display(self) -> list[str]:
        labels = dict(Mission.choices)
        return [labels.get(code, code) for code in self.missions]
