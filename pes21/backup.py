"""Backups: one .zip holding every record and every document, written and read as streams.

The records are Django's portable JSON, one object a line (`data.jsonl`), written by dumpdata
as it walks each table with `.iterator()` straight into the archive: memory does not grow with
the database. The same format on SQLite and PostgreSQL, so a backup taken on one restores on
the other. The documents are copied from the storage (the database) into `media/<name>`, a
chunk at a time. Content types and permissions are left out (migrate recreates them; records
refer to them by natural key), and so is what is only transient: sessions, task rows,
throttle counters, imports under way, and the stored files' chunks (their documents are in
`media/`).

A restore replaces everything in one transaction, documents included (they are rows too):
all or nothing. Backups written before documents moved to the database (`data.json`) restore
the same way.
"""

import datetime as dt
import io
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from . import generation
from .models import Attachment

EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "django_tasks_database",
    "pes21.throttlehit",
    "pes21.storedfile",
    "pes21.storedfilechunk",
    "exchange.importupload",
    "exchange.importjob",
    "exchange.importproblem",
    # Derived from the records, rebuilt when next read.
    "pes21.datageneration",
    "reporting.cachedfigures",
]
DATA_NAME = "data.jsonl"
OLD_DATA_NAME = "data.json"
MEDIA_PREFIX = "media/"
COPY_BYTES = 1024 * 1024


def _documents() -> list[str]:
    """The names of the documents the records point to (one column: a short list)."""
    return sorted(set(Attachment.objects.exclude(file="").values_list("file", flat=True)))


def backup_create(*, output: Path) -> dict[str, int]:
    """Write the backup to `output`; return how many records and files it holds."""
    output.parent.mkdir(parents=True, exist_ok=True)
    files = 0
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(DATA_NAME, "w", force_zip64=True) as member:
            text = io.TextIOWrapper(member, encoding="utf-8", newline="\n")
            call_command(
                "dumpdata",
                exclude=EXCLUDED,
                format="jsonl",
                natural_foreign=True,
                natural_primary=True,
                stdout=text,
            )
            text.flush()
            text.detach()
        archive.writestr("created_at.txt", dt.datetime.now(dt.UTC).isoformat())
        for name in _documents():
            try:
                source = default_storage.open(name, "rb")
            except FileNotFoundError:
                continue
            with source, archive.open(MEDIA_PREFIX + name, "w", force_zip64=True) as member:
                shutil.copyfileobj(source, member, COPY_BYTES)
            files += 1
    with zipfile.ZipFile(output) as archive, archive.open(DATA_NAME) as member:
        records = sum(1 for line in member if line.strip())
    return {"records": records, "files": files}


class RestoreError(Exception):
    pass


def backup_restore(*, source: Path) -> dict[str, int]:
    """Replace every record and document by those of the backup, all or nothing."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, FileNotFoundError) as exc:
        raise RestoreError(f"Sauvegarde illisible : {exc}") from None
    with archive, tempfile.TemporaryDirectory(prefix="pes21-restore-") as folder:
        names = archive.namelist()
        data = next((name for name in (DATA_NAME, OLD_DATA_NAME) if name in names), None)
        if data is None:
            raise RestoreError("Cette archive n'est pas une sauvegarde du PES 21.")
        members = [n for n in names if n.startswith(MEDIA_PREFIX) and not n.endswith("/")]
        for name in members:
            path = PurePosixPath(name[len(MEDIA_PREFIX) :])
            if path.is_absolute() or ".." in path.parts:
                raise RestoreError(f"Chemin refusé dans l'archive : {name}")
        # loaddata reads a file by its name; copied a chunk at a time, read a line at a time.
        fixture = Path(folder) / data
        with archive.open(data) as member, fixture.open("wb") as out:
            shutil.copyfileobj(member, out, COPY_BYTES)
        # The backup holds the history rows themselves; recording the restore's own saves as
        # history would duplicate them.
        # The data generation moves once, at the end (the restored records are new data).
        with (
            transaction.atomic(),
            override_settings(SIMPLE_HISTORY_ENABLED=False),
            generation.deferred(),
        ):
            before = set(_documents())
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(fixture), verbosity=0)
            referenced = set(_documents())
            for name in members:
                stored = name[len(MEDIA_PREFIX) :]
                if stored not in referenced:
                    continue  # a pending import, or a file no record names: not a document
                with archive.open(name) as member:
                    saved = default_storage.save(stored, File(member, name=stored))
                if saved != stored:
                    raise RestoreError(f"Document en double dans l'archive : {name}")
    restored = len(referenced & {n[len(MEDIA_PREFIX) :] for n in members})
    return {"files": restored, "removed": len(before - referenced)}
