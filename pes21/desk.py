"""The staff home page is each person's desk: what is late, what is due today and this week, what
waits for them, then the year's figures. Each app registers its sections in its AppConfig.ready()
(as the search box's providers), from its selectors; the home view hands the list to the page.

A provider takes the user and today's date and returns a DeskSection, or None when the section
is not for that user. It runs a bounded number of queries whatever the data: at most DESK_LINES
lines (each one click from its record) and the count of all there are, with a link to the full
list. Sections are shown by `order`: 10 next steps late, 20 today and this week, 30 follow-ups
due, 40 volunteer cases waiting, 50 requests from the public pages, 90 the year's figures.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

# Lines a section lists; the rest are behind its « tout voir » link.
DESK_LINES = 8


@dataclass(frozen=True)
class DeskLine:
    """One thing to do, linking to its record: « Café associatif Vitteaux », what is to do."""

    title: str
    url: str
    detail: str = ""
    day: dt.date | None = None
    late: bool = False


@dataclass(frozen=True)
class DeskFigure:
    """A figure of the year so far, beside the same date last year."""

    value: object
    words: str
    previous: object = None


@dataclass
class DeskSection:
    key: str
    title: str
    lines: list[DeskLine] = field(default_factory=list)
    # All there are: the section lists the first DESK_LINES of them.
    total: int = 0
    more_url: str = ""
    more_label: str = "Tout voir"
    # What the section says when there is nothing: « Aucune étape en retard. »
    empty: str = ""
    figures: list[DeskFigure] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        return max(self.total - len(self.lines), 0)


Provider = Callable[[object, dt.date], DeskSection | None]
_providers: list[tuple[int, Provider]] = []


def register(order: int) -> Callable[[Provider], Provider]:
    """Add a section to every desk, at `order` (see the module's docstring)."""

    def add(provider: Provider) -> Provider:
        if all(known is not provider for _, known in _providers):
            _providers.append((order, provider))
            _providers.sort(key=lambda item: item[0])
        return provider

    return add


def desk_sections(user, *, today: dt.date) -> list[DeskSection]:
    """The sections of the user's desk, in order."""
    sections = []
    for _, provider in _providers:
        section = provider(user, today)
        if section is not None:
            sections.append(section)
    return sections
