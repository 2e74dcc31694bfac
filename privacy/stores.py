"""Personal data inside files the tables only point to, in the map's terms (privacy.personal_data).

One store: an activity import's file waiting for its confirmation (exchange.uploads, a day at
most). Its row and name are declared in the map, but its contents are rows of people: it is
read, and **deleted** when one of its rows names the person, since confirming it would write
them back. A file claimed by an import under way is left to its import.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from .matching import Matcher


@dataclass(frozen=True)
class Store:
    label: str
    rule: str
    # A person's matcher -> how many files they were found in, erased in the caller's
    # transaction (the files are in the database storage).
    erase: Callable[[Matcher], int]


_SEPARATORS = re.compile(r'[,;\t"]')


def _upload_names(upload, matcher: Matcher) -> bool:
    from exchange.sources import read_dataset
    from exchange.uploads import local_copy

    with local_copy(upload) as path:
        if path.suffix == ".csv":
            # Read as text, a line at a time: whatever its name says, and whether or not the
            # import would accept it, a line naming the person is found.
            with path.open(encoding="utf-8-sig", errors="replace") as lines:
                return any(matcher.found_in(_SEPARATORS.sub(" ", line)) for line in lines)
        dataset = read_dataset(path)
        for table in dataset.tables.values():
            for _, cells in table.rows():
                if matcher.found_in(" ".join(cells)):
                    return True
    return False


def erase_from_pending_uploads(matcher: Matcher) -> int:
    from exchange.models import ImportUpload
    from exchange.uploads import upload_delete

    found = 0
    for upload in ImportUpload.objects.filter(claimed_at__isnull=True).iterator():
        if _upload_names(upload, matcher):
            upload_delete(upload=upload)
            found += 1
    return found


STORES = (
    Store("Fichiers d'import en attente de confirmation", "delete", erase_from_pending_uploads),
)
