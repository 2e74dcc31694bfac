"""Import jobs: rows any server reads, run by a task, never « en cours » for ever."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accompaniment.models import Holder
from exchange import jobs, uploads
from exchange.models import ImportJob, ImportUpload
from exchange.services import activity_import
from pes21.models import StoredFile

from .conftest import SAMPLE, read_rows

pytestmark = pytest.mark.django_db
State = ImportJob.State


def _zip(broken: bool = False) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(SAMPLE.glob("*.csv")):
            content = path.read_bytes()
            if broken and path.name == "projets.csv":
                content = content.replace(b"2020-09-22", b"22/13/2020", 1)
            archive.writestr(path.name, content)
    return SimpleUploadedFile("activité 2022.zip", buffer.getvalue(), "application/zip")


def _upload(user, **kwargs) -> ImportUpload:
    return uploads.upload_store(user=user, upload=_zip(**kwargs))


def _running(user, **changes) -> ImportJob:
    upload = _upload(user)
    fields = {"state": State.RUNNING, "heartbeat_at": timezone.now(), "progress": 40}
    return ImportJob.objects.create(
        user=user, dry_run=False, filename="a.zip", upload=upload, **(fields | changes)
    )


def test_a_clean_check_reports_and_keeps_its_file_for_the_confirmation(staff):
    job = jobs.job_start(upload=_upload(staff), dry_run=True, user=staff)

    job.refresh_from_db()
    assert (job.state, job.progress, job.written) == (State.DONE, 100, False)
    report = jobs.report_of(job)
    assert report.ok and not report.written
    projects = next(s for s in report.files if s.name == "projets.csv")
    assert projects.created == len(read_rows(SAMPLE / "projets.csv"))
    assert job.upload is not None and StoredFile.objects.filter(name=job.upload.file.name)
    assert not Holder.objects.exists()


def test_an_import_writes_the_data_and_drops_its_file(staff):
    upload = _upload(staff)

    job = jobs.job_start(upload=upload, dry_run=False, user=staff)

    job.refresh_from_db()
    assert (job.state, job.written) == (State.DONE, True)
    assert Holder.objects.count() == len(read_rows(SAMPLE / "porteurs.csv"))
    assert not ImportUpload.objects.exists() and not StoredFile.objects.exists()


def test_problems_are_rows_of_the_job_and_a_refused_import_writes_nothing(staff):
    job = jobs.job_start(upload=_upload(staff, broken=True), dry_run=False, user=staff)

    job.refresh_from_db()
    assert (job.state, job.written, job.problem_count) == (State.DONE, False, 1)
    problem = job.problems.get()
    assert (problem.file, problem.line, problem.column) == ("projets.csv", 2, "received_on")
    assert str(jobs.report_of(job).problems[0]).startswith("projets.csv, ligne 2")
    assert not Holder.objects.exists()
    assert ImportJob.objects.unsuccessful().get() == job


def test_a_job_that_crashes_says_so_and_drops_its_file(staff, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(jobs, "activity_import_dataset", crash)

    job = jobs.job_start(upload=_upload(staff), dry_run=True, user=staff)

    job.refresh_from_db()
    assert (job.state, job.stage, job.upload) == (State.FAILED, "Erreur inattendue", None)
    assert not StoredFile.objects.exists()


def test_progress_moves_forward_file_by_file_up_to_the_end():
    seen: list[tuple[float, str]] = []

    activity_import(source=SAMPLE, progress=lambda fraction, stage: seen.append((fraction, stage)))

    fractions = [fraction for fraction, _ in seen]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    stages = {stage for _, stage in seen}
    assert "Vérification de porteurs.csv" in stages
    assert "Enregistrement de benevoles.csv" in stages
    # Checking comes before any writing.
    first_write = next(i for i, (_, stage) in enumerate(seen) if stage.startswith("Enreg"))
    assert all(stage.startswith("Vérif") for _, stage in seen[:first_write])


def test_a_running_job_whose_heartbeat_stopped_reads_as_interrupted(staff, settings):
    last_beat = timezone.now() - dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS + 1)
    job = _running(staff, heartbeat_at=last_beat)

    jobs.job_refresh(job)

    assert job.state == State.INTERRUPTED
    assert job.ended_at == last_beat  # it ended when it last said something
    assert job.upload is not None  # kept: the job can run again
    assert jobs.job_refresh(job).state == State.INTERRUPTED  # and it stays so


def test_a_running_job_with_a_recent_heartbeat_stays_running(staff):
    job = _running(staff)

    assert jobs.job_refresh(job).state == State.RUNNING


def test_a_job_whose_task_ended_without_it_reads_as_interrupted_at_once(staff):
    # The worker raised past the job (a second Ctrl+C): django-tasks' row says FAILED.
    task = DBTaskResult.objects.create(
        task_path="exchange.tasks.run_import_job",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
        status="FAILED",
    )
    job = _running(staff, task_id=str(task.pk))

    assert jobs.job_refresh(job).state == State.INTERRUPTED


def test_a_finished_job_is_never_called_interrupted(staff, settings):
    long_ago = timezone.now() - dt.timedelta(days=1)
    job = _running(staff, state=State.DONE, heartbeat_at=long_ago)

    assert jobs.job_refresh(job).state == State.DONE


def test_a_worker_given_up_while_it_ran_rolls_its_import_back(staff, monkeypatch):
    """A reader judged the job dead (a worker paused too long) and said « interrompu »: the
    worker, alive after all, must not leave written what the job says was not."""
    real_read = jobs.read_dataset

    def read_then_be_given_up(source):
        # Committed by the reader's own connection in real life: before the import's
        # transaction here, where the test's single connection can show it.
        ImportJob.objects.filter(state=State.RUNNING).update(state=State.INTERRUPTED)
        return real_read(source)

    monkeypatch.setattr(jobs, "read_dataset", read_then_be_given_up)

    job = jobs.job_start(upload=_upload(staff), dry_run=False, user=staff)

    job.refresh_from_db()
    assert job.state == State.INTERRUPTED
    assert not Holder.objects.exists()


def test_an_interrupted_job_runs_again_once_on_the_file_it_kept(staff):
    job = _running(staff, heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    jobs.job_refresh(job)

    again = jobs.job_retry(job=job, user=staff)

    assert again.state == State.DONE and again.written
    assert Holder.objects.count() == len(read_rows(SAMPLE / "porteurs.csv"))
    job.refresh_from_db()
    assert jobs.job_retry(job=job, user=staff) is None  # its file went with the new job


def test_another_person_cannot_run_my_interrupted_job_again(staff, director):
    job = _running(staff, heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    jobs.job_refresh(job)

    assert jobs.job_retry(job=job, user=director) is None
    assert not Holder.objects.exists()


def test_old_uploads_and_old_jobs_are_purged_recent_ones_kept(staff):
    old = _upload(staff)
    ImportUpload.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - uploads.MAX_AGE - dt.timedelta(minutes=1)
    )
    fresh = _upload(staff)
    ended = timezone.now() - dt.timedelta(days=jobs.KEEP_DAYS + 1)
    gone = ImportJob.objects.create(
        user=staff, dry_run=True, filename="vieux.zip", state=State.DONE, ended_at=ended
    )
    kept = ImportJob.objects.create(
        user=staff,
        dry_run=True,
        filename="semaine.zip",
        state=State.FAILED,
        ended_at=timezone.now() - dt.timedelta(days=8),
    )

    assert uploads.uploads_purge() == 1
    assert jobs.jobs_purge() == 1

    assert list(ImportUpload.objects.all()) == [fresh]
    assert StoredFile.objects.get().name == fresh.file.name
    assert set(ImportJob.objects.all()) == {kept}
    assert not ImportJob.objects.filter(pk=gone.pk).exists()
