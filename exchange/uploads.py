"""Files sent for import, kept between their check and their confirmation.

The file goes to the default storage (the database: pes21/storage.py) with a row that binds
it to the person who sent it, so the confirmation may land on any server, never uploads
again, and nobody else can confirm it. Confirming claims the row with one conditional UPDATE:
of a double click, two tabs or two servers, exactly one import starts.
"""

import contextlib
import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from pes21.models import User

from .models import ImportUpload

# A checked file waits this long for its confirmation (or for an interrupted job's rerun).
MAX_AGE = dt.timedelta(hours=24)


@transaction.atomic
def upload_store(*, user: User, upload: UploadedFile) -> ImportUpload:
    stored = ImportUpload(user=user, filename=Path(upload.name).name[:200])
    # A random name in the storage; the extension tells the format apart.
    stored.file.save(f"import{Path(upload.name).suffix.lower()}", upload, save=False)
    stored.save()
    return stored


def upload_claim(*, upload: ImportUpload, user: User) -> bool:
    """Reserve the upload for its import; False if it was claimed already or is not theirs."""
    return bool(
        ImportUpload.objects.filter(pk=upload.pk, user=user, claimed_at__isnull=True).update(
            claimed_at=timezone.now()
        )
    )


def upload_delete(*, upload: ImportUpload) -> None:
    """The file and its row, in the caller's transaction (the storage is the database)."""
    upload.file.delete(save=False)
    upload.delete()


def _dataset_name(upload: ImportUpload) -> str:
    # A single CSV file is known by its name (porteurs.csv); anything else by its extension.
    # The extension the storage name was given at upload is ours; the person's file name is
    # only text (an erasure may have rewritten it).
    path = Path(upload.filename)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".zip", ".xlsx"):
        suffix = Path(upload.file.name).suffix.lower()
    stem = path.stem.lower() if suffix == ".csv" else "donnees"
    return f"{Path(stem).name or 'donnees'}{suffix}"


@contextlib.contextmanager
def local_copy(upload: ImportUpload) -> Iterator[Path]:
    """The upload as a file of this process's temporary folder, the import reading paths;
    removed when done. Copied a chunk at a time: memory does not grow with the file."""
    with tempfile.TemporaryDirectory(prefix="pes21-import-") as folder:
        target = Path(folder) / _dataset_name(upload)
        with upload.file.open("rb") as source, target.open("wb") as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
        yield target


def uploads_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the uploads older than MAX_AGE, files included; how many went."""
    now = now or timezone.now()
    removed = 0
    for upload in ImportUpload.objects.filter(created_at__lt=now - MAX_AGE).iterator():
        with transaction.atomic():
            upload_delete(upload=upload)
        removed += 1
    return removed
