"""What closing a project ends beyond the project itself, told by the apps that hang work on it
(volunteers' cases): the closing page says it beforehand and the message afterwards, without
accompaniment importing those apps. The ending itself is the `project_closed` signal."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Consequence:
    lines: list[str]  # what the closing page warns of, one sentence each
    done: str  # appended to the message once the project is closed


_PROVIDERS: list[Callable[..., Consequence | None]] = []


def register(provider: Callable[..., Consequence | None]) -> Callable[..., Consequence | None]:
    """Register `provider(project) -> Consequence | None` (None: closing ends nothing of yours)."""
    _PROVIDERS.append(provider)
    return provider


def consequences(project) -> list[Consequence]:
    return [found for provider in _PROVIDERS if (found := provider(project)) is not None]
