"""Imports run as tasks: a worker process checks or imports an upload; the page follows it.

A job is a row (exchange.models.ImportJob) that any server reads: its state, progress and
stage, then its summary and problems. The view creates the job and enqueues its task
(exchange.tasks.run_import_job); a worker (`manage.py db_worker`) claims the task, runs the
import in one transaction, and writes the job's outcome in that same transaction, so the
data and the job that says it was written are committed together or not at all.

How a dead job is told apart without asking any process: while it runs, a thread of the
worker writes the job's heartbeat (and progress) every HEARTBEAT_SECONDS through a connection
of its own. A worker killed mid-import stops beating, and its database connection dies with
it, which rolls its transaction back. Whoever reads a job (the page, the digest, the daily
purge) turns a running job silent for STALE_SECONDS into « interrompu » with a conditional
UPDATE; the same is done at once when the task row of django-tasks says the task ended
without the job saying so. Should a worker thought dead still be alive and finish, its final
UPDATE (only from « en cours ») changes nothing, and it rolls its own import back: the job
never says « interrompu » of data that was written.

SQLite lets one connection write at a time: while the import's transaction holds the
database, the heartbeat waits, and its silence proves nothing. There, a reader marks the job
interrupted only if it can take the write lock at once: a live import holds it, a dead one
released it with its process. (Production runs PostgreSQL, where the heartbeat flows.)
"""

import contextlib
import logging
import threading
import time
import uuid
from dataclasses import asdict

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from pes21.models import User

from .models import ImportJob, ImportProblem, ImportUpload
from .problems import Problem
from .services import ImportReport, activity_import_dataset
from .sources import read_dataset
from .uploads import local_copy, upload_delete

logger = logging.getLogger(__name__)

State = ImportJob.State

# A job kept this long after it ended, for its page and the weekly digest; then purged.
KEEP_DAYS = 31


def job_start(*, upload: ImportUpload, dry_run: bool, user: User) -> ImportJob:
    """Create the job and enqueue its task; the page follows the job."""
    from .tasks import run_import_job

    job = ImportJob.objects.create(
        user=user, dry_run=dry_run, filename=upload.filename, upload=upload
    )
    result = run_import_job.enqueue(str(job.pk))
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def job_retry(*, job: ImportJob, user: User) -> ImportJob | None:
    """Run an interrupted job again on its upload, kept for that; None if it cannot (the upload
    expired, or another click took it first: the upload moves from the old job to the new)."""
    if job.state != State.INTERRUPTED or job.upload_id is None or job.user_id != user.pk:
        return None
    upload = job.upload
    moved = ImportJob.objects.filter(pk=job.pk, state=State.INTERRUPTED, upload=upload).update(
        upload=None
    )
    if not moved:
        return None
    return job_start(upload=upload, dry_run=job.dry_run, user=user)


# --- Reading a job: the dead ones become « interrompu » ----------------------------------------


def _stale_before(now) -> "timezone.datetime":
    return now - timezone.timedelta(seconds=settings.IMPORT_STALE_SECONDS)


@contextlib.contextmanager
def _without_waiting():
    """On SQLite, a write that finds the database held fails at once instead of waiting."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (waited,) = cursor.fetchone()
        cursor.execute("PRAGMA busy_timeout = 0")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(waited)}")


def _ended_tasks(task_ids: list[str]) -> set[str]:
    """Of these django-tasks ids, those whose task finished (its row says so)."""
    ids = []
    for task_id in task_ids:
        with contextlib.suppress(ValueError):
            ids.append(uuid.UUID(task_id))
    if not ids:
        return set()
    finished = DBTaskResult.objects.filter(id__in=ids).finished()
    return {str(task_id) for task_id in finished.values_list("id", flat=True)}


def jobs_mark_dead(*, now=None, queryset=None) -> int:
    """Turn the unfinished jobs whose worker is gone into « interrompu »; how many."""
    now = now or timezone.now()
    unfinished = (queryset if queryset is not None else ImportJob.objects).unfinished()
    silent = unfinished.filter(state=State.RUNNING, heartbeat_at__lt=_stale_before(now))
    running = list(unfinished.exclude(task_id="").values_list("task_id", flat=True)[:500])
    ended = _ended_tasks(running)
    interrupted = {"state": State.INTERRUPTED, "stage": "Interrompu"}
    try:
        with _without_waiting():
            count = silent.update(**interrupted, ended_at=F("heartbeat_at"))
            if ended:
                count += unfinished.filter(task_id__in=ended).update(**interrupted, ended_at=now)
    except OperationalError:
        # SQLite held by a writer, most likely the import itself: it lives; judged next time.
        return 0
    if count:
        logger.warning("%s import job(s) interrupted: their worker stopped", count)
    return count


def job_refresh(job: ImportJob, *, now=None) -> ImportJob:
    """The job as it stands, a dead one marked interrupted."""
    if not job.finished:
        jobs_mark_dead(now=now, queryset=ImportJob.objects.filter(pk=job.pk))
        job.refresh_from_db()
    return job


def report_of(job: ImportJob) -> ImportReport | None:
    if job.state != State.DONE:
        return None
    problems = [
        Problem(p.file, p.line, p.column, p.message) for p in job.problems.order_by("position")
    ]
    return ImportReport.from_dict(job.summary | {"problems": [asdict(p) for p in problems]})


# --- Running a job (in the worker) ---------------------------------------------------------


class _JobLost(Exception):
    """The job was marked interrupted while it ran: what it wrote must not stay."""


class _Pulse:
    """The running job's signs of life and progress.

    In a worker (`separate`), a thread with its own database connection writes them every
    HEARTBEAT_SECONDS, or sooner when the stage changes, outside the import's transaction so
    that every server sees them. Run in its caller's process (the immediate backend of the
    tests), the import is that caller's work: progress is written on its own connection.
    """

    def __init__(self, job_id, *, separate: bool) -> None:
        self.job_id, self.separate = job_id, separate
        self.latest: tuple[int, str] | None = None
        self._written: tuple[int, str] | None = None
        self._stop = threading.Event()
        self._changed = threading.Event()
        # On SQLite, set while the import holds the database: a write would only wait.
        self.holding = threading.Event()
        self._thread: threading.Thread | None = None

    def progress(self, fraction: float, stage: str) -> None:
        latest = (int(fraction * 100), stage[:200])
        if latest == self.latest:
            return
        self.latest = latest
        if self.separate:
            self._changed.set()
        elif latest[1] != (self._written or (0, ""))[1]:
            self._write()

    def _write(self) -> None:
        values = {"heartbeat_at": timezone.now()}
        if self.latest is not None:
            values |= {"progress": self.latest[0], "stage": self.latest[1]}
            self._written = self.latest
        ImportJob.objects.filter(pk=self.job_id, state=State.RUNNING).update(**values)

    def _beat(self) -> None:
        try:
            while not self._stop.is_set():
                if not (self.holding.is_set() and connection.vendor == "sqlite"):
                    try:
                        self._write()
                    except OperationalError:
                        logger.warning("Import job %s: heartbeat not written", self.job_id)
                self._changed.wait(settings.IMPORT_HEARTBEAT_SECONDS)
                self._changed.clear()
                self._stop.wait(0.5)  # at most two writes a second
        finally:
            connection.close()

    def __enter__(self) -> "_Pulse":
        if self.separate:
            self._thread = threading.Thread(
                target=self._beat, name=f"import-heartbeat-{self.job_id}", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._changed.set()
        if self._thread is not None:
            self._thread.join()

    def __exit__(self, *exc) -> None:
        self.stop()


def job_run(*, job_id: str, separate: bool) -> None:
    """Check or import the job's upload (the task's body); its outcome goes to the job."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, state=State.WAITING).update(
        state=State.RUNNING, started_at=now, heartbeat_at=now, stage="Préparation"
    )
    if not claimed:
        return  # interrupted before it started, or already run
    job = ImportJob.objects.select_related("user", "upload").get(pk=job_id)
    if job.upload is None:
        _job_failed(job, stage="Fichier expiré")
        return
    try:
        with (
            _Pulse(job.pk, separate=separate) as pulse,
            local_copy(job.upload) as source,
            translation.override("fr"),
        ):
            started = time.perf_counter()
            dataset = read_dataset(source)
            pulse.holding.set()
            with transaction.atomic():
                report = activity_import_dataset(
                    dataset=dataset, dry_run=job.dry_run, user=job.user, progress=pulse.progress
                )
                report.seconds = time.perf_counter() - started
                pulse.stop()
                if not _job_done(job, report):
                    raise _JobLost
    except _JobLost:
        logger.warning("Import job %s was marked interrupted while it ran: rolled back", job_id)
    except Exception:
        logger.exception("Import job %s failed", job_id)
        _job_failed(job, stage="Erreur inattendue")
    except BaseException:
        # The worker is stopping (a second Ctrl+C, a SystemExit): the transaction rolled back.
        _job_interrupted(job)
        raise


def _job_done(job: ImportJob, report: ImportReport) -> bool:
    """Record the outcome, in the import's transaction; False if the job was given up."""
    summary = report.to_dict()
    summary.pop("problems")
    finished = ImportJob.objects.filter(pk=job.pk, state=State.RUNNING).update(
        state=State.DONE,
        progress=100,
        stage="Terminé",
        ended_at=timezone.now(),
        written=report.written,
        problem_count=report.problem_count,  # listed, and counted beyond (report.more)
        summary=summary,
    )
    if not finished:
        return False
    ImportProblem.objects.bulk_create(
        [
            ImportProblem(job_id=job.pk, position=position, **asdict(problem))
            for position, problem in enumerate(report.problems)
        ],
        batch_size=500,
    )
    # A clean check keeps its file for the confirmation; nothing else needs it any more.
    if not (job.dry_run and report.ok):
        _drop_upload(job)
    return True


def _drop_upload(job: ImportJob) -> None:
    upload = ImportUpload.objects.filter(pk=job.upload_id).first()
    if upload is not None:
        upload_delete(upload=upload)


def _job_failed(job: ImportJob, *, stage: str) -> None:
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk, state=State.RUNNING).update(
            state=State.FAILED, stage=stage, ended_at=timezone.now()
        )
        _drop_upload(job)


def _job_interrupted(job: ImportJob) -> None:
    ImportJob.objects.filter(pk=job.pk, state=State.RUNNING).update(
        state=State.INTERRUPTED, stage="Interrompu", ended_at=timezone.now()
    )


def jobs_purge(*, now=None) -> int:
    """Mark the dead jobs, then delete those ended more than KEEP_DAYS ago; how many went."""
    now = now or timezone.now()
    jobs_mark_dead(now=now)
    old = ImportJob.objects.filter(ended_at__lt=now - timezone.timedelta(days=KEEP_DAYS))
    deleted, _ = old.delete()
    return deleted
