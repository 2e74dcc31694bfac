"""The navigation's search box. Each app registers a provider in its AppConfig.ready().

A provider receives the user and the query and returns a SearchGroup, or None when the
user may not see that kind of record. Providers must run a bounded number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    detail: str = ""


@dataclass
class SearchGroup:
    label: str
    hits: list[SearchHit] = field(default_factory=list)


Provider = Callable[[object, str], "SearchGroup | None"]
_providers: list[Provider] = []

MAX_HITS = 10


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def search(user, query: str) -> list[SearchGroup]:
    query = query.strip()
    if len(query) < 2:
        return []
    groups = []
    for provider in _providers:
        group = provider(user, query)
        if group is not None and group.hits:
            groups.append(group)
    return groups
