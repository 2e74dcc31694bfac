import os
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .roles import DIRECTOR, ROLE_LABELS, STAFF, user_roles


class UserQuerySet(models.QuerySet):
    def staff_members(self) -> "UserQuerySet":
        """Active accounts of the team or the direction: who may be a project's referent, a
        meeting's or a DLA step's staff member, a territorial project's officer, and who has
        a row on the dashboard's workload panel."""
        return (
            self.filter(groups__name__in=[STAFF, DIRECTOR], is_active=True)
            .distinct()
            .order_by("last_name", "first_name", "username")
        )


class AccountManager(UserManager.from_queryset(UserQuerySet)):
    pass


class Weekday(models.IntegerChoices):
    MONDAY = 0, "le lundi"
    TUESDAY = 1, "le mardi"
    WEDNESDAY = 2, "le mercredi"
    THURSDAY = 3, "le jeudi"
    FRIDAY = 4, "le vendredi"
    SATURDAY = 5, "le samedi"
    SUNDAY = 6, "le dimanche"


class User(AbstractUser):
    """An account: a staff member, the director, a volunteer or an administrator."""

    objects = AccountManager()

    # The weekly e-mail digest (followups' send_reminders): staff get what is due, volunteers
    # the new open cases for them. None: never. On by default, on Mondays, as reminders are in
    # most products: a digest lists only the person's own work, nothing is sent when there is
    # nothing to say, and « Mon compte » turns it off in one choice.
    digest_weekday = models.PositiveSmallIntegerField(
        "récapitulatif par courriel",
        choices=Weekday.choices,
        null=True,
        blank=True,
        default=Weekday.MONDAY,
    )

    # Printed under the staff member's name in the yearly report's team list.
    job_title = models.CharField("fonction", max_length=150, blank=True)

    # Two-factor sign-in turned on (pes21.second_factor keeps it with the devices): read with
    # the user on every request, so asking for the code costs no query.
    second_factor = models.BooleanField("double authentification", default=False, editable=False)

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_labels(self) -> list[str]:
        return [label for role, label in ROLE_LABELS.items() if role in user_roles(self)]


def _attachment_path(instance: "Attachment", filename: str) -> str:
    # A random folder keeps names unguessable and two uploads of "statuts.pdf" apart.
    return f"documents/{instance.content_type.app_label}/{uuid.uuid4().hex}/{filename}"


class Attachment(models.Model):
    """A document attached to a record (project, structure, engineering...)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    title = models.CharField("titre", max_length=200)
    file = models.FileField("fichier", upload_to=_attachment_path, max_length=300)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, verbose_name="déposé par"
    )
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)

    class Meta:
        verbose_name = "document"
        verbose_name_plural = "documents"
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.title

    @property
    def filename(self) -> str:
        return os.path.basename(self.file.name)


class FormSubmission(models.Model):
    """A create form's one-time token, claimed by the first submission (see concurrency.py)."""

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "envoi de formulaire"
        verbose_name_plural = "envois de formulaire"

    def __str__(self) -> str:
        return str(self.token)


class ThrottleHit(models.Model):
    """How many times a key was spent in one fixed window (pes21.throttle).

    Counters live in the database so every process and server shares them; a key is a hash
    (it may be built from an e-mail address or a client address), never the value itself.
    """

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "compteur de limitation"
        verbose_name_plural = "compteurs de limitation"
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="throttle_key_window")
        ]

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.hits}"


class StoredFile(models.Model):
    """A document kept in the database (pes21.storage.DatabaseStorage), so every server sees it.

    Its bytes are rows of StoredFileChunk, written and read one chunk at a time: neither saving
    nor serving a file holds more than one chunk in memory, whatever its size.
    """

    name = models.CharField(max_length=300, unique=True)
    size = models.PositiveBigIntegerField(default=0)
    # The chunk size it was written with: a later change of pes21.storage.CHUNK_BYTES still
    # finds the chunks of the files written before it.
    chunk_size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "fichier enregistré"
        verbose_name_plural = "fichiers enregistrés"

    def __str__(self) -> str:
        return self.name


class StoredFileChunk(models.Model):
    file = models.ForeignKey(StoredFile, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        verbose_name = "morceau de fichier"
        verbose_name_plural = "morceaux de fichier"
        constraints = [
            models.UniqueConstraint(fields=["file", "number"], name="stored_chunk_number")
        ]

    def __str__(self) -> str:
        return f"{self.file_id}:{self.number}"


class DataGeneration(models.Model):
    """The one row of `pes21.generation`: how many times watched data changed."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "génération des données"
        verbose_name_plural = "générations des données"

    def __str__(self) -> str:
        return str(self.value)
