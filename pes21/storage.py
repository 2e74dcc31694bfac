"""Documents kept in the database: one store that every application server sees.

Files go through Django's storage API (`STORAGES["default"]`), so a document saved on one
server is served by another, and nothing a request needs lives on a server's disk. The
database was chosen over an object store because the association already runs, backs up and
restores one PostgreSQL, and its files are small (`MAX_UPLOAD_MB`, imports of a few MB): no
second service to install, secure and back up, and a document is written or deleted in the
same transaction as the record that names it. The libraries that do this (django-db-storage
and its forks, django-db-file-storage, django-binary-database-files) keep a whole file in one
column, read and written whole in memory; here a file is rows of CHUNK_BYTES, written as the
upload is read and fetched one chunk at a time as a response streams, so memory stays at one
chunk whatever the file's size. Should the documents outgrow the database, an S3-compatible
store (django-storages) replaces this class in `STORAGES` without touching the models.
"""

import io

from django.core.files import File
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.utils.deconstruct import deconstructible

from .models import StoredFile, StoredFileChunk

CHUNK_BYTES = 512 * 1024


class _ChunkReader(io.RawIOBase):
    """A stored file read lazily: one query per chunk, only the current chunk in memory."""

    def __init__(self, stored: StoredFile) -> None:
        self.name = stored.name
        self.size = stored.size
        self._file_id, self._chunk_size = stored.pk, stored.chunk_size
        self._position = 0
        self._number: int | None = None
        self._chunk = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer) -> int:
        if self._position >= self.size:
            return 0
        number, offset = divmod(self._position, self._chunk_size)
        if number != self._number:
            self._chunk = bytes(
                StoredFileChunk.objects.filter(file_id=self._file_id, number=number)
                .values_list("data", flat=True)
                .get()
            )
            self._number = number
        piece = self._chunk[offset : offset + len(buffer)]
        buffer[: len(piece)] = piece
        self._position += len(piece)
        return len(piece)


@deconstructible
class DatabaseStorage(Storage):
    def _save(self, name: str, content) -> str:
        for _ in range(5):
            try:
                with transaction.atomic():
                    return self._write(name, content)
            except IntegrityError:
                # Another save took the name between get_available_name() and here.
                name = self.get_available_name(name)
        raise IntegrityError(f"no free name for {name}")

    def _write(self, name: str, content) -> str:
        stored = StoredFile.objects.create(name=name, chunk_size=CHUNK_BYTES)
        size = 0
        # Read a chunk at a time: File.chunks() of an upload kept in memory yields it whole.
        if hasattr(content, "seek"):
            content.seek(0)
        pieces = iter(lambda: content.read(CHUNK_BYTES), b"")
        for number, piece in enumerate(pieces):
            StoredFileChunk.objects.create(file=stored, number=number, data=piece)
            size += len(piece)
        StoredFile.objects.filter(pk=stored.pk).update(size=size)
        return name

    def _open(self, name: str, mode: str = "rb") -> File:
        if set(mode) - {"r", "b"}:
            raise ValueError("Les documents enregistrés se lisent seulement (mode 'rb').")
        stored = StoredFile.objects.filter(name=name).only("name", "size", "chunk_size").first()
        if stored is None:
            raise FileNotFoundError(name)
        return File(_ChunkReader(stored), name=name)

    def delete(self, name: str) -> None:
        # The chunks go by a cascade the database does in one statement, never loaded.
        StoredFile.objects.filter(name=name).delete()

    def exists(self, name: str) -> bool:
        return StoredFile.objects.filter(name=name).exists()

    def size(self, name: str) -> int:
        sizes = StoredFile.objects.filter(name=name).values_list("size", flat=True)
        try:
            return sizes.get()
        except StoredFile.DoesNotExist:
            raise FileNotFoundError(name) from None

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = path.strip("/") + "/" if path.strip("/") else ""
        folders, files = set(), []
        names = StoredFile.objects.filter(name__startswith=prefix).values_list("name", flat=True)
        for name in names.iterator():
            rest = name[len(prefix) :]
            if "/" in rest:
                folders.add(rest.split("/", 1)[0])
            else:
                files.append(rest)
        return sorted(folders), sorted(files)

    def _stamp(self, name: str, field: str):
        stamps = StoredFile.objects.filter(name=name).values_list(field, flat=True)
        try:
            return stamps.get()
        except StoredFile.DoesNotExist:
            raise FileNotFoundError(name) from None

    def get_created_time(self, name: str):
        return self._stamp(name, "created_at")

    def get_modified_time(self, name: str):
        return self._stamp(name, "modified_at")

    def get_accessed_time(self, name: str):
        return self._stamp(name, "modified_at")
