"""Unpacking a zip (a .zip of CSV files, or an .xlsx) safely: the unpacked size checked from
what the archive declares, then counted while unpacking, since the declaration may lie."""

import contextlib
import copy
import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .tables import Opener

# A few megabytes of zip can unpack into gigabytes: the unpacked size is checked first, from
# what the archive declares, then counted while unpacking, since the declaration may lie.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
TOO_LARGE = "archive trop volumineuse une fois décompressée (200 Mo au plus)."
FILE_TOO_LARGE = "fichier trop volumineux (200 Mo au plus)."
CHUNK = 1024 * 1024


def too_large(archive: zipfile.ZipFile) -> bool:
    return sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES


class ArchiveError(Exception):
    """An entry of a zip (or .xlsx) that cannot be unpacked safely; the reason is French."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def message(self, entry: str) -> str:
        if self.reason == TOO_LARGE:
            return TOO_LARGE
        return f"archive endommagée : « {entry} » ne peut pas être lu ({self.reason})."


class Budget:
    """The bytes still allowed to be unpacked from one archive, all entries together."""

    def __init__(self) -> None:
        self.left = MAX_UNPACKED_BYTES

    def spend(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise ArchiveError(TOO_LARGE)


class _Counted(io.RawIOBase):
    """A zip entry's bytes as they are unpacked, counted against the archive's budget; a
    damaged entry is an ArchiveError, whatever zipfile or zlib raised."""

    def __init__(self, entry: BinaryIO, budget: Budget) -> None:
        super().__init__()
        self._entry, self._budget = entry, budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            size = self._entry.readinto(buffer)
        except zipfile.BadZipFile as exc:
            reason = "somme de contrôle incorrecte" if "CRC" in str(exc) else "contenu abîmé"
            raise ArchiveError(reason) from None
        except (zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError):
            raise ArchiveError("contenu abîmé ou tronqué") from None
        self._budget.spend(size)
        return size


@contextlib.contextmanager
def entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget) -> Iterator[BinaryIO]:
    """An entry's bytes, counted against the budget as they are unpacked.

    Only stored and Deflate entries are read: zipfile inflates a bzip2 or LZMA chunk whole
    before cutting it to the declared size, so one small chunk could fill the memory.
    """
    if info.flag_bits & 0x1:
        raise ArchiveError("fichier protégé par un mot de passe")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ArchiveError(
            "méthode de compression non prise en charge ; enregistrez une archive .zip standard"
        )
    # zipfile stops at the declared size: the real size is what must be counted, so the
    # declaration is lifted and the budget counts instead (the CRC still checks the content).
    counted = copy.copy(info)
    counted.file_size = 1 << 62
    try:
        raw = archive.open(counted)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError):
        raise ArchiveError("contenu abîmé ou tronqué") from None
    with raw:
        yield io.BufferedReader(_Counted(raw, budget), CHUNK)


def zip_entry_opener(path: Path, info: zipfile.ZipInfo) -> Opener:
    """Opens the entry again, from the archive's file (its whole size was counted once)."""

    @contextlib.contextmanager
    def opener() -> Iterator[BinaryIO]:
        with zipfile.ZipFile(path) as archive, entry(archive, info, Budget()) as stream:
            yield stream

    return opener
