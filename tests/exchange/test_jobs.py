import os
import shutil
import subprocess
import threading
import time

import pytest

from accompaniment.models import Holder
from exchange import jobs, uploads
from exchange.services import activity_import

from .conftest import SAMPLE, read_rows


def _stored_copy(name: str = "donnees") -> object:
    folder = uploads.root() / f"jeton-{name}"
    shutil.copytree(SAMPLE, folder / name)
    return folder / name


def _wait(job_id: str) -> None:
    for thread in threading.enumerate():
        if thread.name == f"import-{job_id}":
            thread.join(timeout=60)


@pytest.mark.django_db(transaction=True)
def test_an_import_job_runs_in_a_thread_and_leaves_its_report(settings, staff):
    settings.EXCHANGE_JOBS_IN_THREADS = True
    source = _stored_copy()

    job_id = jobs.start(source=source, dry_run=False, user=staff, token=None, filename="a.zip")
    _wait(job_id)

    state = jobs.read(job_id)
    assert (state["state"], state["progress"]) == (jobs.DONE, 100)
    report = jobs.report_of(state)
    assert report.written and report.ok
    assert Holder.objects.count() == len(read_rows(SAMPLE / "porteurs.csv"))
    assert not source.exists()  # the upload is not kept once imported


@pytest.mark.django_db(transaction=True)
def test_a_clean_check_keeps_the_upload_for_its_confirmation(settings, staff):
    settings.EXCHANGE_JOBS_IN_THREADS = True
    source = _stored_copy()

    job_id = jobs.start(source=source, dry_run=True, user=staff, token="jeton", filename="a.zip")
    _wait(job_id)

    state = jobs.read(job_id)
    assert state["state"] == jobs.DONE and state["token"] == "jeton"
    assert source.exists()
    assert not Holder.objects.exists()


def test_a_job_that_crashes_says_so_and_drops_the_upload(settings, staff, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(jobs, "activity_import", crash)
    source = _stored_copy()

    job_id = jobs.start(source=source, dry_run=True, user=staff, token="jeton", filename="a.zip")

    state = jobs.read(job_id)
    assert (state["state"], state["token"]) == (jobs.FAILED, None)
    assert not source.exists()


@pytest.mark.django_db
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


@pytest.mark.parametrize("job_id", ["", "../../etc/passwd", "inconnu"])
def test_reading_an_unknown_or_malformed_job_gives_nothing(job_id):
    assert jobs.read(job_id) is None


def _saved(job_id: str, **state) -> None:
    uploads.root().mkdir(parents=True, exist_ok=True)
    jobs._save(
        job_id,
        {"state": jobs.RUNNING, "progress": 30, "stage": "Vérification", "token": "jeton"} | state,
    )


def _exited_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_job_of_a_process_that_is_gone_reads_as_interrupted():
    # The server restarted: the process that ran the job no longer exists.
    _saved("ancien", process="un-processus-arrete", pid=_exited_pid())

    state = jobs.read("ancien")

    assert state["state"] == jobs.INTERRUPTED
    assert state["token"] is None  # nothing to confirm: the file is sent again
    assert jobs.read("ancien")["state"] == jobs.INTERRUPTED  # and it stays so


def test_a_job_of_this_process_whose_thread_is_gone_reads_as_interrupted():
    _saved("sans-fil", process=jobs._PROCESS, pid=os.getpid())

    assert jobs.read("sans-fil")["state"] == jobs.INTERRUPTED


def test_a_job_running_in_another_live_process_stays_running():
    _saved("ailleurs", process="un-autre-processus", pid=os.getppid())

    assert jobs.read("ailleurs")["state"] == jobs.RUNNING


def test_a_job_silent_for_too_long_reads_as_interrupted_even_if_its_pid_exists(monkeypatch):
    _saved("muet", process="un-autre-processus", pid=os.getppid())
    later = time.time() + jobs.STALE_AFTER_SECONDS + 1
    monkeypatch.setattr(jobs.time, "time", lambda: later)

    assert jobs.read("muet")["state"] == jobs.INTERRUPTED


def test_a_finished_job_is_never_called_interrupted():
    _saved("fini", state=jobs.DONE, process="un-processus-arrete", pid=_exited_pid())

    assert jobs.read("fini")["state"] == jobs.DONE
