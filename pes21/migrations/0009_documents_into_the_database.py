"""Documents move from MEDIA_ROOT into the database storage (pes21/storage.py).

Each document a record names is copied, a chunk at a time, if its file is on this server's
disk; the disk copy is left in place (delete MEDIA_ROOT/documents once the site works). A
file already missing stays missing: its download answered 404 before and still does.
"""

from pathlib import Path

from django.conf import settings
from django.db import migrations

CHUNK_BYTES = 512 * 1024  # pes21.storage.CHUNK_BYTES when this migration was written


def copy_documents(apps, schema_editor):
    Attachment = apps.get_model("pes21", "Attachment")
    StoredFile = apps.get_model("pes21", "StoredFile")
    StoredFileChunk = apps.get_model("pes21", "StoredFileChunk")
    media_root = Path(settings.MEDIA_ROOT)
    names = Attachment.objects.exclude(file="").values_list("file", flat=True).distinct()
    for name in names.iterator():
        path = media_root / name
        if not path.is_file() or StoredFile.objects.filter(name=name).exists():
            continue
        stored = StoredFile.objects.create(name=name, chunk_size=CHUNK_BYTES, size=0)
        size = 0
        with path.open("rb") as source:
            for number, piece in enumerate(iter(lambda: source.read(CHUNK_BYTES), b"")):
                StoredFileChunk.objects.create(file=stored, number=number, data=piece)
                size += len(piece)
        StoredFile.objects.filter(pk=stored.pk).update(size=size)


class Migration(migrations.Migration):
    dependencies = [("pes21", "0008_storedfile_storedfilechunk")]

    operations = [migrations.RunPython(copy_documents, migrations.RunPython.noop)]
