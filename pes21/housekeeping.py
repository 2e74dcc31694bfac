"""What the daily purge forgets. Apps add theirs in AppConfig.ready() (as attachments do)."""

from collections.abc import Callable

# (what it purges, in French; a function returning how many rows or files went)
PURGES: list[tuple[str, Callable[[], int]]] = []


def register_purge(label: str, purge: Callable[[], int]) -> None:
    PURGES.append((label, purge))
