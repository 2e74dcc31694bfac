"""What the association's public doors keep: registrations to collective actions, requests made
through « Déposer mon projet », and the end-of-accompaniment questionnaire.

The domain apps' models stay as they are: an action's registration settings are a one-to-one
`Opening` here, and what a door creates in the domain (a holder, a project « accueil », an
action's attendees) goes through the domain's services (public/services.py). What each door keeps
and for how long: docs/public.md.
"""

import datetime as dt
import hashlib
import secrets
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from pes21.concurrency import version_field

# An action takes at most this many people, and its waiting list as many again: the staff's
# list of registrations stays a page, whatever the action.
MAX_CAPACITY = 500


def new_token() -> tuple[str, str]:
    """A secret for a link (sent by e-mail) and its hash (stored): a copy of the database
    opens no one's registration or questionnaire."""
    token = secrets.token_urlsafe(24)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _local(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=ZoneInfo(settings.TIME_ZONE))


# --- Registration to collective actions -------------------------------------------------------


class OpeningQuerySet(models.QuerySet):
    def taking_registrations(self, today: dt.date) -> "OpeningQuerySet":
        """Listed on the public page: open, registration not closed, the action still to come."""
        return self.filter(is_open=True, closes_on__gte=today, action__date__gte=today)


class Opening(models.Model):
    """A collective action open to registration from the public pages."""

    action = models.OneToOneField(
        "accompaniment.CollectiveAction",
        on_delete=models.CASCADE,
        related_name="opening",
        verbose_name="action collective",
    )
    is_open = models.BooleanField(
        "inscriptions ouvertes",
        default=True,
        help_text="Décochez pour retirer l'action de la page publique ; les inscrits restent.",
    )
    capacity = models.PositiveIntegerField(
        "places", validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)]
    )
    closes_on = models.DateField(
        "inscriptions jusqu'au", help_text="Au plus tard le jour de l'action."
    )
    starts_at = models.TimeField("heure de début")
    ends_at = models.TimeField("heure de fin")
    place = models.CharField("lieu", max_length=200, help_text="Adresse complète.")
    description = models.TextField(
        "présentation publique",
        max_length=2000,
        help_text="Ce que la personne lira avant de s'inscrire : le contenu, pour qui.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = version_field()
    history = HistoricalRecords()

    objects = OpeningQuerySet.as_manager()

    class Meta:
        verbose_name = "ouverture aux inscriptions"
        verbose_name_plural = "ouvertures aux inscriptions"
        indexes = [models.Index(fields=["is_open", "closes_on"])]

    def __str__(self) -> str:
        return f"Inscriptions : {self.action}"

    def get_absolute_url(self) -> str:
        return self.action.get_absolute_url()

    @property
    def starts(self) -> dt.datetime:
        return _local(self.action.date, self.starts_at)

    @property
    def ends(self) -> dt.datetime:
        return _local(self.action.date, self.ends_at)

    def takes_registrations(self, today: dt.date) -> bool:
        return self.is_open and today <= min(self.closes_on, self.action.date)

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "L'action finit avant de commencer."
        if self.closes_on and self.action_id and self.closes_on > self.action.date:
            errors["closes_on"] = "Les inscriptions ferment au plus tard le jour de l'action."
        if errors:
            raise ValidationError(errors)


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "inscrit", "Inscrit·e"
    WAITING = "attente", "Liste d'attente"
    CANCELLED = "annule", "Annulée"


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self) -> "RegistrationQuerySet":
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def waiting(self) -> "RegistrationQuerySet":
        """The waiting list, first come first served."""
        return self.filter(status=RegistrationStatus.WAITING).order_by("created_at", "pk")

    def active(self) -> "RegistrationQuerySet":
        return self.exclude(status=RegistrationStatus.CANCELLED)

    def of_token(self, token: str) -> "RegistrationQuerySet":
        return self.filter(token_hash=token_hash(token))


class Registration(models.Model):
    """A person registered to an action (or on its waiting list) from the public page."""

    opening = models.ForeignKey(Opening, on_delete=models.CASCADE, related_name="registrations")
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    email = models.EmailField("courriel")
    phone = models.CharField("téléphone", max_length=30, blank=True)
    status = models.CharField(
        "statut",
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.CONFIRMED,
    )
    # The cancellation link's secret, hashed (see new_token).
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    consent_at = models.DateTimeField("consentement le")
    notice_version = models.CharField("version de la notice", max_length=20)
    created_at = models.DateTimeField("inscrit·e le", auto_now_add=True)
    status_changed_at = models.DateTimeField("statut changé le", default=timezone.now)
    attended = models.BooleanField("présent·e", null=True, blank=True)
    # The holder this person is, once staff marked them present (an existing record they
    # confirmed, or one created then): the action's attendee.
    holder = models.ForeignKey(
        "accompaniment.Holder",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name="porteur",
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = "inscription"
        verbose_name_plural = "inscriptions"
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["opening", "status", "created_at"])]
        constraints = [
            # Sending the form twice, or again a week later, finds the first registration.
            models.UniqueConstraint(
                fields=["opening", "email"],
                condition=~Q(status=RegistrationStatus.CANCELLED),
                name="one_active_registration_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED


# --- « Déposer mon projet » -------------------------------------------------------------------


class RequestKind(models.TextChoices):
    CREATION = "creation", "Créer ou reprendre une activité"
    STRUCTURE = "structure", "Consolider une structure employeuse de l'ESS (DLA)"


class PathStage(models.TextChoices):
    IDEA = "idee", "J'ai une idée"
    TAKING_SHAPE = "projet", "Mon projet prend forme (étude de marché, budget…)"
    READY = "lancement", "Je suis prêt·e à me lancer"
    EXISTING = "existante", "Ma structure existe déjà"


class HeardFrom(models.TextChoices):
    WORD_OF_MOUTH = "bouche_a_oreille", "Par le bouche-à-oreille"
    PARTNER = "partenaire", "Par un partenaire (BGE, CAE, Adie, France Travail…)"
    EVENT = "evenement", "À un atelier ou un événement (Club, Mois de l'ESS…)"
    AUTHORITY = "collectivite", "Par une collectivité (commune, Dijon Métropole…)"
    INTERNET = "internet", "Sur internet ou les réseaux sociaux"
    OTHER = "autre", "Autrement"


class RequestStatus(models.TextChoices):
    NEW = "nouvelle", "Nouvelle"
    HANDLED = "traitee", "Traitée"


class ProjectRequestQuerySet(models.QuerySet):
    def new(self) -> "ProjectRequestQuerySet":
        return self.filter(status=RequestStatus.NEW)


class ProjectRequest(models.Model):
    """A request sent through « Déposer mon projet », and what it created.

    A creation request creates a holder (who carries the person's contact) and a project
    « accueilli »; a structure's request creates the DLA structure with its reception step, and
    keeps the contact person here (a structure has no contact fields).
    """

    kind = models.CharField("demande", max_length=20, choices=RequestKind.choices)
    idea = models.TextField("idée ou besoin", max_length=3000)
    postal_code = models.CharField("code postal", max_length=5)
    commune = models.CharField("commune", max_length=100)
    stage = models.CharField("où en est la personne", max_length=20, choices=PathStage.choices)
    heard_from = models.CharField(
        "a connu le Pôle", max_length=20, choices=HeardFrom.choices, blank=True
    )
    heard_from_detail = models.CharField("précision", max_length=200, blank=True)
    holder = models.ForeignKey(
        "accompaniment.Holder",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="public_requests",
        verbose_name="porteur",
    )
    project = models.ForeignKey(
        "accompaniment.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="public_requests",
        verbose_name="projet",
    )
    structure_name = models.CharField("nom de la structure", max_length=200, blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    structure = models.ForeignKey(
        "dla.Structure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="public_requests",
        verbose_name="structure",
    )
    # The SIRET was a known structure's: the request points at it and changed nothing there;
    # staff record the reception on its page once they have met the structure.
    structure_was_known = models.BooleanField("structure déjà connue", default=False)
    contact_first_name = models.CharField("prénom du contact", max_length=100, blank=True)
    contact_last_name = models.CharField("nom du contact", max_length=100, blank=True)
    contact_email = models.EmailField("courriel du contact", blank=True)
    contact_phone = models.CharField("téléphone du contact", max_length=30, blank=True)
    consent_at = models.DateTimeField("consentement le")
    notice_version = models.CharField("version de la notice", max_length=20)
    status = models.CharField(
        "statut", max_length=10, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    handled_at = models.DateTimeField("traitée le", null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="traitée par",
    )
    created_at = models.DateTimeField("reçue le", auto_now_add=True)

    objects = ProjectRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande « Déposer mon projet »"
        verbose_name_plural = "demandes « Déposer mon projet »"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"Demande du {timezone.localtime(self.created_at):%d/%m/%Y} : {self.person_name}"

    def get_absolute_url(self) -> str:
        return reverse("public_staff:request_detail", args=[self.pk])

    @property
    def person_name(self) -> str:
        if self.holder_id:
            return str(self.holder)
        return f"{self.contact_first_name} {self.contact_last_name}".strip() or "—"


# --- The end-of-accompaniment questionnaire ---------------------------------------------------


class InvitationQuerySet(models.QuerySet):
    def of_token(self, token: str) -> "InvitationQuerySet":
        return self.filter(token_hash=token_hash(token))

    def live(self) -> "InvitationQuerySet":
        """Links that still count: not replaced by a newer one."""
        return self.filter(revoked_at__isnull=True)


class QuestionnaireInvitation(models.Model):
    """A link to the questionnaire sent to one holder of a closed project: single use, with
    an expiry; sending again replaces the previous link."""

    project = models.ForeignKey(
        "accompaniment.Project",
        on_delete=models.CASCADE,
        related_name="questionnaire_invitations",
        verbose_name="projet",
    )
    holder = models.ForeignKey(
        "accompaniment.Holder",
        on_delete=models.CASCADE,
        related_name="questionnaire_invitations",
        verbose_name="porteur",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField("envoyé le", default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="envoyé par",
    )
    expires_at = models.DateTimeField("valable jusqu'au")
    revoked_at = models.DateTimeField("remplacé le", null=True, blank=True)
    answered_at = models.DateTimeField("répondu le", null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation au questionnaire"
        verbose_name_plural = "invitations au questionnaire"
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["sent_at"]), models.Index(fields=["project", "holder"])]
        constraints = [
            # One answer per holder and project: a second link is never sent once answered.
            models.UniqueConstraint(
                fields=["project", "holder"],
                condition=Q(answered_at__isnull=False),
                name="one_answer_per_holder_and_project",
            )
        ]

    def __str__(self) -> str:
        return f"Questionnaire de {self.holder} ({self.project})"


class Satisfaction(models.IntegerChoices):
    NOT_AT_ALL = 1, "Pas du tout satisfait·e"
    LITTLE = 2, "Peu satisfait·e"
    FAIRLY = 3, "Moyennement satisfait·e"
    SATISFIED = 4, "Satisfait·e"
    VERY = 5, "Très satisfait·e"


class Publication(models.TextChoices):
    NO = "non", "Non, ce mot reste entre nous"
    ANONYMOUS = "anonyme", "Oui, sans mon nom"
    FIRST_NAME = "prenom", "Oui, avec mon prénom et le nom du projet"


class QuestionnaireAnswer(models.Model):
    """What a holder answered. The questions follow the COPECS working notes on holders' paths
    (motivation, how they met the association, key moments, what it brought or missed, how it
    ended) and the questions of the association's own testimonials."""

    # The written replies, in the order the questionnaire asks them.
    WRITTEN = ("motivation", "why_us", "key_moments", "brought", "missed", "ending")

    invitation = models.OneToOneField(
        QuestionnaireInvitation, on_delete=models.CASCADE, related_name="answer"
    )
    satisfaction = models.PositiveSmallIntegerField("satisfaction", choices=Satisfaction.choices)
    motivation = models.TextField(
        "Qu'est-ce qui vous a donné envie de vous lancer ?", max_length=2000, blank=True
    )
    heard_from = models.CharField(
        "Comment avez-vous connu le Pôle ?", max_length=20, choices=HeardFrom.choices, blank=True
    )
    why_us = models.TextField(
        "Pour quelles raisons avez-vous sollicité le Pôle ?", max_length=2000, blank=True
    )
    key_moments = models.TextField(
        "Quels ont été les moments marquants de votre parcours ?", max_length=2000, blank=True
    )
    brought = models.TextField(
        "Qu'est-ce que l'accompagnement vous a apporté ?", max_length=2000, blank=True
    )
    missed = models.TextField("Qu'est-ce qui vous a manqué ?", max_length=2000, blank=True)
    ending = models.TextField(
        "Comment s'est passée la fin de l'accompagnement ?", max_length=2000, blank=True
    )
    quote = models.TextField(
        "Un mot sur l'accompagnement, que nous pourrions citer", max_length=600, blank=True
    )
    publication = models.CharField(
        "Pouvons-nous citer ce mot dans notre rapport d'activité ?",
        max_length=10,
        choices=Publication.choices,
        default=Publication.NO,
    )
    consent_at = models.DateTimeField("consentement le")
    notice_version = models.CharField("version de la notice", max_length=20)
    created_at = models.DateTimeField("répondu le", auto_now_add=True)

    class Meta:
        verbose_name = "réponse au questionnaire"
        verbose_name_plural = "réponses au questionnaire"

    def __str__(self) -> str:
        return f"Réponse de {self.invitation.holder}"

    @property
    def may_be_quoted(self) -> bool:
        return bool(self.quote.strip()) and self.publication != Publication.NO
