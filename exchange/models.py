"""An import's state in the database, readable from any server: the file waiting for its
confirmation, the job that checks or imports it, and the problems it found.

Personal data: a person's file name (`filename` of an upload and of a job), the file itself
(`ImportUpload.file`, held in the storage), and the problems' `message`, which may quote a
cell. Nothing else of a job names anyone but the account that launched it. They are kept a
short time (exchange.services.imports_purge: uploads a day, jobs a month).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class ImportUpload(models.Model):
    """A file sent for import, kept where every server sees it (the default storage) between
    its check and its confirmation, for the person who sent it; claimed once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name="déposé par"
    )
    filename = models.CharField("nom du fichier", max_length=200)
    # Stored under a random name: the person's file name is `filename`, never a storage path.
    file = models.FileField("fichier", upload_to="imports/", max_length=300)
    created_at = models.DateTimeField("déposé le", auto_now_add=True)
    claimed_at = models.DateTimeField("confirmé le", null=True, blank=True)

    class Meta:
        verbose_name = "fichier en attente d'import"
        verbose_name_plural = "fichiers en attente d'import"

    def __str__(self) -> str:
        return self.filename


class ImportJobQuerySet(models.QuerySet):
    def unfinished(self) -> "ImportJobQuerySet":
        return self.filter(state__in=[ImportJob.State.WAITING, ImportJob.State.RUNNING])

    def unsuccessful(self) -> "ImportJobQuerySet":
        """Failed or interrupted (a check or an import), or an import refused for its problems:
        what the weekly digest tells the person who launched it."""
        return self.filter(
            Q(state__in=[ImportJob.State.FAILED, ImportJob.State.INTERRUPTED])
            | Q(state=ImportJob.State.DONE, dry_run=False, written=False)
        )


class ImportJob(models.Model):
    """One check (dry run) or import of an upload, run by a task in a worker process."""

    class State(models.TextChoices):
        WAITING = "en_attente", "En attente"
        RUNNING = "en_cours", "En cours"
        DONE = "termine", "Terminé"
        FAILED = "echec", "Échec"
        INTERRUPTED = "interrompu", "Interrompu"

    # The job's address (/donnees/suivi/<id>/): not guessable, and only its person may open it.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        verbose_name="lancé par",
    )
    dry_run = models.BooleanField("vérification seulement")
    filename = models.CharField("nom du fichier", max_length=200)
    # The file this job reads; kept after an interruption, so the job can run again.
    upload = models.ForeignKey(
        ImportUpload, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    state = models.CharField("état", max_length=12, choices=State.choices, default=State.WAITING)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    stage = models.CharField("étape", max_length=200, default="En attente")
    task_id = models.CharField("tâche", max_length=64, blank=True)
    created_at = models.DateTimeField("lancé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    # Written every few seconds by the worker running the job (exchange.tasks): a job whose
    # heartbeat stopped is dead, its transaction rolled back with its connection.
    heartbeat_at = models.DateTimeField("dernier signe de vie", null=True, blank=True)
    ended_at = models.DateTimeField("fini le", null=True, blank=True)
    written = models.BooleanField("enregistré", default=False)
    problem_count = models.PositiveIntegerField("problèmes", default=0)
    # What ImportReport holds besides its problems (ImportReport.to_dict without "problems").
    summary = models.JSONField("résumé", default=dict, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = "import"
        verbose_name_plural = "imports"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="import_job_user"),
            models.Index(fields=["state"], name="import_job_state"),
            models.Index(fields=["ended_at"], name="import_job_ended"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED, self.State.INTERRUPTED)


class ImportProblem(models.Model):
    """One problem an import found: as many as its ImportReport keeps (bounded there)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="problems")
    position = models.PositiveIntegerField()
    file = models.CharField("fichier", max_length=200)
    line = models.PositiveIntegerField("ligne")
    column = models.CharField("colonne", max_length=200, blank=True)
    message = models.TextField("message")

    class Meta:
        verbose_name = "problème d'import"
        verbose_name_plural = "problèmes d'import"
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="import_problem_position")
        ]

    def __str__(self) -> str:
        return f"{self.file}, ligne {self.line}"
