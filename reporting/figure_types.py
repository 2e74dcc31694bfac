"""What the report's figure registry (reporting/registry.py) is made of: a figure, the words of
its tile, its shape and scope, the registry that orders them, and the errors of a figure the
registry does not know or a set of figures lacks."""

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

# The registry's schema: the set of keys and their meaning. Version 1 is the shape editions were
# frozen in before the registry existed; raise it when a key is renamed, added or removed.
SCHEMA = 1

# The report's parts that figures belong to (anchors of `document.PARTS`, "-" written "_").
SECTIONS = (
    "vie_associative",
    "generateur",
    "dla",
    "creation",
    "sensibilisation",
    "dijon",
    "club",
    "depuis_creation",
)

# Keys of a set of figures that are not figures: the report's year, the dashboard's period.
META = ("year", "period")


class Shape(enum.Enum):
    NUMBER = "nombre"  # one number (or None when `nullable`): a line of the exports
    BREAKDOWN = "répartition"  # {code: number}: a line of the exports per code
    TABLE = "tableau"  # rows the report lays out (a list or a mapping): not in the exports


class Scope(enum.Enum):
    REPORT = "rapport"  # every figure: `selectors.report_figures`
    CONTRACT = "contrat"  # the contract's table only: `selectors.contract_figures`, the dashboard


@dataclass(frozen=True)
class Words:
    """What a tile writes after the number, as French agrees it: « 1 structure accueillie »."""

    one: str
    many: str

    def for_count(self, value) -> str:
        # French writes 0 and 1 (and 1,5) in the singular.
        return self.one if isinstance(value, int | float) and abs(value) < 2 else self.many


@dataclass(frozen=True)
class Figure:
    """One figure of the report, and all the outputs need to show it."""

    key: str  # dotted path in the report's figures (and the JSON export): "dla.diagnostics"
    section: str  # the report's part it belongs to (SECTIONS)
    label: str  # a line of the exports, the dashboard, the differences; a chart's title
    selector: Callable[..., Any]  # the selector whose result holds it
    tile: Words | None = None  # words after the number on a tile of the page and the PDF
    shape: Shape = Shape.NUMBER
    contract: bool = False  # in the contract's table (docs/import-format.md)
    nullable: bool = False  # None is a value (« pas encore calculable »)
    part_label: Callable[[str], str] | None = None  # a BREAKDOWN's code, in words
    since: int = 1  # the schema version that added it
    formerly: tuple[tuple[int, str], ...] = ()  # (last schema version, key it had then)

    def key_at(self, schema: int) -> str | None:
        """The key this figure had in editions frozen at `schema` (None: it did not exist)."""
        if schema < self.since:
            return None
        for until, key in sorted(self.formerly):
            if schema <= until:
                return key
        return self.key

    def accepts(self, value) -> bool:
        if self.shape is Shape.NUMBER:
            return _is_number(value) or (value is None and self.nullable)
        if self.shape is Shape.BREAKDOWN:
            return isinstance(value, Mapping) and all(map(_is_number, value.values()))
        return isinstance(value, list | Mapping)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class FigureError(LookupError):
    """A set of figures and the registry disagree. Not a KeyError: a template that reads an
    unknown figure raises it instead of printing an empty string."""


class UnknownFigure(FigureError):
    def __init__(self, key: str):
        super().__init__(f"« {key} » n'est pas un chiffre du registre (reporting/figure_list.py).")
        self.key = key


class MissingFigure(FigureError):
    def __init__(self, key: str):
        super().__init__(f"Le chiffre « {key} » manque : son sélecteur ne le donne plus ?")
        self.key = key


class Registry:
    """The figures in the order a reader meets them, and the groups their keys form."""

    def __init__(self, figures: Iterable[Figure], *, schema: int):
        self.schema = schema
        self.figures: dict[str, Figure] = {}
        for figure in figures:
            if figure.key in self.figures:
                raise ValueError(f"Figure {figure.key} registered twice.")
            self.figures[figure.key] = figure
        # "complements.dla" -> ["cout_eur", "jours", ...]: what a group holds, in order.
        self.children: dict[str, list[str]] = {"": []}
        for key in self.figures:
            parts = key.split(".")
            for depth in range(len(parts)):
                group = ".".join(parts[:depth])
                names = self.children.setdefault(group, [])
                if parts[depth] not in names:
                    names.append(parts[depth])

    def __iter__(self) -> Iterator[Figure]:
        return iter(self.figures.values())

    def is_group(self, key: str) -> bool:
        return key in self.children and key not in self.figures

    def in_scope(self, scope: Scope) -> list[Figure]:
        return [f for f in self if scope is Scope.REPORT or f.contract]
