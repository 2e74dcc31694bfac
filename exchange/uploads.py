"""Uploads kept between the check and the confirmation of an import.

The file is stored once, under MEDIA_ROOT/imports/<random token>/ (and its jobs' states beside
it, see jobs.py), and the token is bound to
the session of the person who checked it: the confirmation does not upload again, and nobody
else can confirm it. Confirming renames the folder first; a rename succeeds only once, so a
double click (or two tabs) cannot import twice.
"""

import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest

SESSION_KEY = "exchange_uploads"
MAX_AGE_SECONDS = 24 * 3600
# A job's state outlives its upload: the weekly digest tells who launched it that it failed.
JOB_STATE_MAX_AGE_SECONDS = 8 * 24 * 3600


def root() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def store(request: HttpRequest, upload) -> tuple[str, Path]:
    _purge_old()
    token = secrets.token_urlsafe(24)
    folder = root() / token
    folder.mkdir(parents=True)
    # Only the extension of the person's file name is kept: it tells the format apart.
    suffix = Path(upload.name).suffix.lower()
    stem = Path(upload.name).stem if suffix == ".csv" else "donnees"
    path = folder / f"{Path(stem).name.lower()}{suffix}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    tokens = request.session.get(SESSION_KEY, [])
    request.session[SESSION_KEY] = [*tokens[-9:], token]
    return token, path


def claim(request: HttpRequest, token: str) -> Path | None:
    """The stored file, now reserved for this import; None if it is gone or not ours."""
    tokens = request.session.get(SESSION_KEY, [])
    if token not in tokens:
        return None
    request.session[SESSION_KEY] = [t for t in tokens if t != token]
    folder = root() / token
    claimed = folder.with_name(f"{token}.en-cours")
    try:
        folder.rename(claimed)
    except OSError:
        return None
    files = [path for path in claimed.iterdir() if path.is_file()]
    return files[0] if files else None


def discard(request: HttpRequest, token: str) -> None:
    tokens = request.session.get(SESSION_KEY, [])
    request.session[SESSION_KEY] = [t for t in tokens if t != token]
    shutil.rmtree(root() / token, ignore_errors=True)


def remove(path: Path) -> None:
    shutil.rmtree(path.parent, ignore_errors=True)


def _purge_old() -> None:
    folder = root()
    if not folder.is_dir():
        return
    now = time.time()
    for entry in folder.iterdir():
        kept = JOB_STATE_MAX_AGE_SECONDS if entry.suffix == ".json" else MAX_AGE_SECONDS
        if entry.stat().st_mtime < now - kept:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
