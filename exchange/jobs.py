"""Imports run as background jobs, so a large file shows its progress and never times out.

Checking and writing 25 000 rows takes about half a minute, longer than a web request should
wait. The view starts a thread and answers at once; the page polls the job's state (htmx,
every second) and shows a progress bar. The state lives in a small JSON file beside the
stored upload (MEDIA_ROOT/imports/<job>.json): every web worker sees it, with no new table
and no task queue to run. A job killed with its process (a server restart) stays "en cours";
the upload is then simply checked again.

Tests and the command line run jobs inline (settings.EXCHANGE_JOBS_IN_THREADS = False).
"""

import json
import logging
import os
import secrets
import threading
from pathlib import Path

from django.conf import settings
from django.db import connection

from pes21.models import User

from . import uploads
from .services import ImportReport, activity_import

logger = logging.getLogger(__name__)

WAITING, RUNNING, DONE, FAILED = "en attente", "en cours", "terminé", "échec"


def _path(job_id: str) -> Path:
    return uploads.root() / f"{job_id}.json"


def _save(job_id: str, state: dict) -> None:
    path = _path(job_id)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state), encoding="utf-8")
    os.replace(temporary, path)  # atomic: a poll never reads half a file


def read(job_id: str) -> dict | None:
    if not job_id or not job_id.replace("-", "").replace("_", "").isalnum():
        return None
    try:
        return json.loads(_path(job_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


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
    }
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
        final = {"state": DONE, "progress": 100, "stage": "Terminé", "report": report.to_dict()}
        _save(job_id, state | final | ({} if keep_upload else {"token": None}))
    except Exception:
        logger.exception("Import job %s failed", job_id)
        _save(job_id, state | {"state": FAILED, "stage": "Erreur inattendue", "token": None})
    finally:
        if not keep_upload:
            uploads.remove(source)
        if getattr(settings, "EXCHANGE_JOBS_IN_THREADS", True):
            connection.close()
