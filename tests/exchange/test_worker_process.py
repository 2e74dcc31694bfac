"""End to end, with real processes: `manage.py db_worker` runs the imports the app enqueues,
and a worker killed in the middle of an import leaves nothing written and a job that says so.

The processes share a database of their own (a file on SQLite, a new database on the
PostgreSQL of the run): the tests' own database lives in one transaction they cannot see.
"""

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.worker

HOLDERS = 60_000  # enough for an import of several seconds, to be read and killed in its middle


def _environment(database_url: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    return environ | {
        "DJANGO_SETTINGS_MODULE": "pes21.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "worker-tests-only-" + "x" * 40,
        "ALLOWED_HOSTS": "testserver",
        # A dead worker is told within seconds here, minutes in production.
        "IMPORT_HEARTBEAT_SECONDS": "1",
        "IMPORT_STALE_SECONDS": "3",
        # Small chunks: rows are written from the start of the import.
        "IMPORT_CHUNK_ROWS": "500",
        "LOG_LEVEL": "WARNING",
    }


class _Site:
    """The database the processes share, and ways to act on it as the app and to look in it."""

    def __init__(self, url: str, vendor: str, location: str, folder: Path) -> None:
        self.url, self.vendor, self.location, self.folder = url, vendor, location, folder
        self.env = _environment(url)

    def manage(self, *args: str, timeout: int = 300) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout.strip()

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", code)

    def worker(self, **settings: str) -> subprocess.Popen:
        return subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.2",
                "--queue-name",
                "*",
            ],
            cwd=ROOT,
            env=self.env | settings,
            stdout=subprocess.DEVNULL,
            stderr=(self.folder / "worker.log").open("a"),
        )

    def query(self, sql: str, *params):
        if self.vendor == "sqlite":
            with sqlite3.connect(self.location, timeout=30) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchone()
        import psycopg

        with psycopg.connect(self.url) as db:
            return db.execute(sql, params).fetchone()

    def refreshed_state(self, job_id: str) -> str:
        """The job's state as the app reads it (a dead one marked interrupted)."""
        return self.shell(
            "from exchange.models import ImportJob\n"
            "from exchange.jobs import job_refresh\n"
            f"print(job_refresh(ImportJob.objects.get(pk={job_id!r})).state)"
        ).splitlines()[-1]

    def job(self, job_id: str) -> tuple[str, int]:
        key = uuid.UUID(job_id).hex if self.vendor == "sqlite" else job_id
        return self.query("SELECT state, progress FROM exchange_importjob WHERE id = %s", key)

    def holders(self) -> int:
        return self.query("SELECT COUNT(*) FROM accompaniment_holder")[0]

    def write_lock_taken(self) -> bool:
        """SQLite: whether a transaction holds the database (the import does, while it runs)."""
        db = sqlite3.connect(self.location, timeout=0, isolation_level=None)
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            db.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory, django_db_blocker):
    folder = tmp_path_factory.mktemp("worker-site")
    with django_db_blocker.unblock():
        vendor = connection.vendor
        settings_dict = connection.settings_dict
    if vendor == "sqlite":
        location = str(folder / "site.sqlite3")
        site = _Site(f"sqlite:///{location}", vendor, location, folder)
        site.manage("migrate", "--noinput", "-v0")
        yield site
        return
    import psycopg

    name = f"pes21_worker_{uuid.uuid4().hex[:8]}"
    server = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        site = _Site(f"{server}/{name}", vendor, name, folder)
        site.manage("migrate", "--noinput", "-v0")
        yield site
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _holders_file(folder: Path, count: int, prefix: str) -> Path:
    path = folder / "porteurs.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ref", "last_name", "first_name", "email", "postal_code", "consent_on"])
        for number in range(count):
            writer.writerow(
                [f"{prefix}{number:06}", f"Nom{number}", "Camille", "", "21000", "2022-01-10"]
            )
    return path


def _enqueue(site: _Site, path: Path, *, dry_run: bool) -> str:
    """What the import page does: store the file for its person, start a job (a task row)."""
    return site.shell(
        "from pathlib import Path\n"
        "from django.core.files.uploadedfile import SimpleUploadedFile\n"
        "from exchange import jobs, uploads\n"
        "from tests.factories import staff_user\n"
        "from pes21.models import User\n"
        "user = User.objects.filter(username='importe').first()\n"
        "user = user or staff_user(username='importe')\n"
        f"data = SimpleUploadedFile({path.name!r}, Path({str(path)!r}).read_bytes())\n"
        "upload = uploads.upload_store(user=user, upload=data)\n"
        f"print(jobs.job_start(upload=upload, dry_run={dry_run}, user=user).pk)"
    ).splitlines()[-1]


def _wait(predicate, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"still waiting for {what} after {seconds} s")


def _stop(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def test_a_worker_process_runs_the_import_the_app_enqueued(site, tmp_path):
    path = _holders_file(tmp_path, 300, "A")
    job_id = _enqueue(site, path, dry_run=False)
    assert site.job(job_id)[0] == "en_attente"  # nothing runs it inside the web process

    worker = site.worker()
    try:
        _wait(lambda: site.job(job_id)[0] == "termine", seconds=180, what="the import")
    finally:
        _stop(worker)

    assert site.job(job_id) == ("termine", 100)
    assert site.holders() == 300


def test_a_worker_killed_during_an_import_leaves_nothing_and_the_job_says_interrupted(
    site, tmp_path
):
    before = site.holders()
    path = _holders_file(tmp_path, HOLDERS, "B")
    job_id = _enqueue(site, path, dry_run=False)
    # Tiny chunks make this import last well past the seconds the test needs to catch it in
    # its middle, however fast the machine (the rerun below goes at the usual pace).
    worker = site.worker(IMPORT_CHUNK_ROWS="10")
    try:
        _wait(lambda: site.job(job_id)[0] == "en_cours", seconds=120, what="the start")
        if site.vendor == "sqlite":
            # Inside the import's transaction: it holds the database.
            _wait(site.write_lock_taken, seconds=120, what="the import's transaction")
        else:
            # Its heartbeat tells the stage: rows are being written, uncommitted.
            _wait(lambda: site.job(job_id)[1] >= 55, seconds=120, what="the writing")
        # Alive, it is not called dead, even silent for longer than IMPORT_STALE_SECONDS (its
        # heartbeat waits for the database on SQLite): the reader sees it holds the database.
        time.sleep(4)
        assert site.refreshed_state(job_id) == "en_cours"
        assert site.holders() == before  # and what it wrote so far is not visible
    finally:
        worker.kill()  # SIGKILL: no clean-up of any kind
        worker.wait()

    assert site.job(job_id)[0] == "en_cours"  # nobody has read it since
    assert site.holders() == before  # its transaction died with it

    time.sleep(4)  # past IMPORT_STALE_SECONDS
    state = site.shell(
        "from exchange.models import ImportJob\n"
        "from exchange.jobs import job_refresh\n"
        f"job = job_refresh(ImportJob.objects.get(pk={job_id!r}))\n"
        "print(job.state, job.upload_id is not None)"
    )
    assert state.splitlines()[-1] == "interrompu True"  # and its file kept, to run it again

    again = site.shell(
        "from exchange.models import ImportJob\n"
        "from exchange.jobs import job_retry\n"
        f"job = ImportJob.objects.get(pk={job_id!r})\n"
        "print(job_retry(job=job, user=job.user).pk)"
    ).splitlines()[-1]
    worker = site.worker()
    try:
        # Sixty thousand rows at the usual pace: a minute on a quiet machine, many more on a
        # loaded one; a rerun that fails ends the wait at once and says so below.
        _wait(
            lambda: site.job(again)[0] not in ("en_attente", "en_cours"),
            seconds=900,
            what="the rerun",
        )
    finally:
        _stop(worker)
    assert site.job(again)[0] == "termine"
    assert site.holders() == before + HOLDERS
