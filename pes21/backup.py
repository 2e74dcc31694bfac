"""Backups: one .zip holding every record (Django's portable JSON) and the uploaded documents.

The JSON format is the same on SQLite and PostgreSQL, so a backup taken on one restores on
the other. Content types and permissions are left out: migrate recreates them, and records
refer to them by natural key.
"""

import datetime as dt
import io
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]
DATA_NAME = "data.json"
MEDIA_PREFIX = "media/"
DOCUMENTS = "documents"  # where pes21.models.Attachment stores its files, under MEDIA_ROOT


def backup_create(*, output: Path) -> dict[str, int]:
    """Write the backup to `output`; return how many records and files it holds."""
    data = io.StringIO()
    call_command(
        "dumpdata",
        exclude=EXCLUDED,
        natural_foreign=True,
        natural_primary=True,
        indent=None,
        stdout=data,
    )
    media_root = Path(settings.MEDIA_ROOT)
    files = 0
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DATA_NAME, data.getvalue())
        archive.writestr("created_at.txt", dt.datetime.now(dt.UTC).isoformat())
        if media_root.exists():
            for path in sorted(media_root.rglob("*")):
                if path.is_file():
                    archive.write(path, MEDIA_PREFIX + str(path.relative_to(media_root)))
                    files += 1
    records = data.getvalue().count('"model":')
    return {"records": records, "files": files}


class RestoreError(Exception):
    pass


def backup_restore(*, source: Path) -> dict[str, int]:
    """Replace every record by those of the backup, all or nothing, then put back the files."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, FileNotFoundError) as exc:
        raise RestoreError(f"Sauvegarde illisible : {exc}") from None
    with archive:
        if DATA_NAME not in archive.namelist():
            raise RestoreError("Cette archive n'est pas une sauvegarde du PES 21.")
        media_root = Path(settings.MEDIA_ROOT).resolve()
        members = [n for n in archive.namelist() if n.startswith(MEDIA_PREFIX)]
        for name in members:
            target = (media_root / name[len(MEDIA_PREFIX) :]).resolve()
            if not target.is_relative_to(media_root):
                raise RestoreError(f"Chemin refusé dans l'archive : {name}")
        fixture = Path(settings.VAR_DIR) / "restore-data.json"
        fixture.parent.mkdir(parents=True, exist_ok=True)
        fixture.write_bytes(archive.read(DATA_NAME))
        try:
            # The backup holds the history rows themselves; recording the restore's own
            # saves as history would duplicate them.
            with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
                call_command("flush", interactive=False, verbosity=0)
                call_command("loaddata", str(fixture), verbosity=0)
        finally:
            fixture.unlink(missing_ok=True)
        for name in members:
            target = media_root / name[len(MEDIA_PREFIX) :]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(name))
    return {"files": len(members), "removed": _remove_unreferenced_documents(media_root)}


def _remove_unreferenced_documents(media_root: Path) -> int:
    """Delete the document files no restored record points to.

    They belong to records the restore has just replaced (a document added after the backup,
    or one an erasure deleted): kept, they would be personal data nothing lists or removes.
    """
    from .models import Attachment

    folder = media_root / DOCUMENTS
    if not folder.is_dir():
        return 0
    referenced = {media_root / name for name in Attachment.objects.values_list("file", flat=True)}
    removed = 0
    for path in sorted(folder.rglob("*"), reverse=True):  # files before their folders
        if path.is_file() and path not in referenced:
            path.unlink()
            removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed
