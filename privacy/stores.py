"""Personal data kept in files rather than tables, in the map's terms (privacy.personal_data).

Two stores, both the activity import's (exchange.uploads, exchange.jobs), under
MEDIA_ROOT/imports/:
- the state of each import job, a JSON file whose problems quote the rows' values: the
  person is **replaced** in every string of it;
- an upload waiting for its confirmation (a day at most): **deleted** when one of its rows
  names the person, since confirming it would write them back. A file being imported at this
  moment is left to its import.

Each store reads first and writes once the erasure's transaction is committed. When these
files become tables, each becomes one `Declaration` of the map and this module goes.
"""

import json
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .matching import Matcher, sub_in_json

IN_PROGRESS = ".en-cours"


@dataclass(frozen=True)
class Store:
    label: str
    rule: str
    # A person's matcher -> how many files they were found in; writes once committed.
    erase: Callable[[Matcher], int]


def _root() -> Path:
    from exchange import uploads

    return uploads.root()


def _write_json(path: Path, state) -> None:
    temporary = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
    temporary.write_text(json.dumps(state), encoding="utf-8")
    os.replace(temporary, path)


def erase_from_import_jobs(matcher: Matcher) -> int:
    found = 0
    root = _root()
    if not root.is_dir():
        return found
    for path in root.glob("*.json"):
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        state, count = sub_in_json(state, matcher.sub)
        if count:
            found += 1
            transaction.on_commit(lambda path=path, state=state: _write_json(path, state))
    return found


def _upload_names(folder: Path, matcher: Matcher) -> bool:
    from exchange.sources import read_dataset

    for path in folder.iterdir():
        dataset = read_dataset(path)
        for table in dataset.tables.values():
            for _, cells in table.rows():
                if matcher.found_in(" ".join(cells)):
                    return True
    return False


def erase_from_pending_uploads(matcher: Matcher) -> int:
    found = 0
    root = _root()
    if not root.is_dir():
        return found
    for folder in root.iterdir():
        waiting = folder.is_dir() and not folder.name.endswith(IN_PROGRESS)
        if waiting and _upload_names(folder, matcher):
            found += 1
            transaction.on_commit(lambda folder=folder: shutil.rmtree(folder, ignore_errors=True))
    return found


STORES = (
    Store("États des imports (fichiers)", "replace", erase_from_import_jobs),
    Store("Fichiers d'import en attente de confirmation", "delete", erase_from_pending_uploads),
)
