"""Imports run as background jobs, so a large file shows its progress and never times out.

Checking and writing 25 000 rows takes about half a minute, longer than a web request should
wait. The view starts a thread and answers at once; the page polls the job's state (htmx,
every second) and shows a progress bar. The state lives in a small JSON file beside the
stored upload (MEDIA_ROOT/imports/<job>.json): every web worker sees it, with no new table
and no task queue to run.

A job killed with its process (a server restart, a crash) must not stay "en cours" for ever:
reading its state tells it apart. The process that runs a job knows whether its thread is
alive; another process sees that the job's process is gone, or, should its pid have been
reused, that the job has said nothing for STALE_AFTER_SECONDS. Such a job reads as
interrupted; nothing was written (the import is one transaction) and the page says to send
the file again.

Tests and the command line run jobs inline (settings.EXCHANGE_JOBS_IN_THREADS = False).
"""

import json
import logging
import os
import secrets
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from pes21.models import User

from . import uploads
from .services import ImportReport, activity_import

logger = logging.getLogger(__name__)

WAITING, RUNNING, DONE, FAILED = "en attente", "en cours", "terminé", "échec"
INTERRUPTED = "interrompu"

# Progress is saved at every percent and every file; a job of another process silent for
# this long is taken as dead even if a process with its pid exists.
STALE_AFTER_SECONDS = 15 * 60

# This process, told apart from a later one that got the same pid after a restart.
_PROCESS = secrets.token_hex(8)
# The jobs running in this process (their thread, or inline).
_alive: set[str] = set()


def _path(job_id: str) -> Path:
    return uploads.root() / f"{job_id}.json"


def _save(job_id: str, state: dict) -> None:
    path = _path(job_id)
    temporary = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
    temporary.write_text(json.dumps(state | {"updated": time.time()}), encoding="utf-8")
    os.replace(temporary, path)  # atomic: a poll never reads half a file


def read(job_id: str) -> dict | None:
    if not job_id or not job_id.replace("-", "").replace("_", "").isalnum():
        return None
    try:
        state = json.loads(_path(job_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if state["state"] in (WAITING, RUNNING) and _is_dead(job_id, state):
        logger.warning("Import job %s was interrupted (its process stopped)", job_id)
        # It ended when it last said something, not now that it is found dead.
        ended = state.get("updated")
        state = state | {"state": INTERRUPTED, "stage": "Interrompu", "token": None, "ended": ended}
        _save(job_id, state)
    return state


def _is_dead(job_id: str, state: dict) -> bool:
    if state.get("process") == _PROCESS:
        return job_id not in _alive
    pid = state.get("pid")
    if pid is not None and not _process_exists(pid):
        return True
    return time.time() - state.get("updated", 0) > STALE_AFTER_SECONDS


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def unsuccessful_since(since: float) -> list[dict]:
    """The jobs that ended without success after `since` (a timestamp), oldest first: failed or
    interrupted (a check or an import), or an import refused for its problems. Each state gets
    its `job_id` and `ended`. Reading them marks the dead ones interrupted, as any reader does."""
    folder = uploads.root()
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("*.json"):
        try:
            if path.stat().st_mtime < since:
                continue
        except OSError:  # purged meanwhile
            continue
        state = read(path.stem)
        if state is None:
            continue
        state = state | {"job_id": path.stem, "ended": state.get("ended", state["updated"])}
        if state["ended"] < since:
            continue
        refused = state["state"] == DONE and not state["dry_run"] and state["report"]["problems"]
        if state["state"] in (FAILED, INTERRUPTED) or refused:
            found.append(state)
    return sorted(found, key=lambda state: state["ended"])


def report_of(state: dict) -> ImportReport | None:
    return ImportReport.from_dict(state["report"]) if state.get("report") else None


def start(*, source: Path, dry_run: bool, user: User, token: str | None, filename: str) -> str:
    """Start checking (dry_run) or importing an upload; the job's id for polling."""
    job_id = secrets.token_urlsafe(18)
    state = {
        "state": WAITING,
        "progress": 0,
        "stage": "En attente",
        "dry_run": dry_run,
        "token": token,
        "filename": filename,
        "user_id": user.pk,
        "started": time.time(),
        "process": _PROCESS,
        "pid": os.getpid(),
    }
    _alive.add(job_id)
    _save(job_id, state)
    if getattr(settings, "EXCHANGE_JOBS_IN_THREADS", True):
        thread = threading.Thread(
            target=_run, args=(job_id, state, source, user), name=f"import-{job_id}", daemon=True
        )
        thread.start()
    else:
        _run(job_id, state, source, user)
    return job_id


def _run(job_id: str, state: dict, source: Path, user: User) -> None:
    last = {"percent": -1, "stage": ""}

    def progress(fraction: float, stage: str) -> None:
        percent = int(fraction * 100)
        if (percent, stage) != (last["percent"], last["stage"]):
            last.update(percent=percent, stage=stage)
            _save(job_id, state | {"state": RUNNING, "progress": percent, "stage": stage})

    keep_upload = False
    try:
        report = activity_import(
            source=source, dry_run=state["dry_run"], user=user, progress=progress
        )
        # A clean check keeps the upload for its confirmation; nothing else needs it.
        keep_upload = state["dry_run"] and report.ok
        final = {
            "state": DONE,
            "progress": 100,
            "stage": "Terminé",
            "report": report.to_dict(),
            "ended": time.time(),
        }
        _save(job_id, state | final | ({} if keep_upload else {"token": None}))
    except Exception:
        logger.exception("Import job %s failed", job_id)
        failed = {"state": FAILED, "stage": "Erreur inattendue", "token": None}
        _save(job_id, state | failed | {"ended": time.time()})
    finally:
        _alive.discard(job_id)
        if not keep_upload:
            uploads.remove(source)
        if getattr(settings, "EXCHANGE_JOBS_IN_THREADS", True):
            connection.close()
