"""The report's figures, each named once: key, section, label, tile words, the selector behind it.

The selectors compute; this registry says what each value of their output is. The page, the
PDF, the CSV/XLSX/JSON exports, the differences between a published edition and today, and the
dashboard read a figure's label and value through it, so a key that the registry does not know
is an error (`UnknownFigure`), and so is a registered figure missing from a set of figures
(`MissingFigure`): never a 0 printed in its place. `reporting.checks` checks at start-up that
every key the code and the report's templates name is registered.

A published edition keeps the registry's schema version (`ReportEdition.figures_schema`). When
a figure's key changes, `SCHEMA` goes up and the figure says what it was called before
(`formerly`); a figure added later says since when (`since`). `frozen_in_current_schema` reads
an older edition with today's keys, a figure it never had being `None` (« – »), not 0.
"""

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from .figure_list import FIGURES
from .figure_types import (
    META,
    SCHEMA,
    Figure,
    FigureError,
    MissingFigure,
    Registry,
    Scope,
    Shape,
    UnknownFigure,
)

REGISTRY = Registry(FIGURES, schema=SCHEMA)


# --- Reading ---------------------------------------------------------------------------------


def figure(key: str) -> Figure:
    """The registered figure of that key; UnknownFigure otherwise."""
    try:
        return REGISTRY.figures[key]
    except KeyError:
        raise UnknownFigure(key) from None


_ABSENT = object()


def _lookup(figures: Mapping, key: str):
    node: Any = figures
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return _ABSENT
        node = node[part]
    return node


def value(figures: Mapping, key: str):
    """The value of a registered figure: UnknownFigure for a name the registry does not know,
    MissingFigure when the set of figures lacks it."""
    found = _lookup(figures, figure(key).key)
    if found is _ABSENT:
        raise MissingFigure(key)
    return found


def check(figures: Mapping, *, scope: Scope = Scope.REPORT, schema: int | None = None) -> Mapping:
    """The figures, once sure they hold every registered figure of the scope with a value of its
    shape, and nothing the registry does not know; FigureError listing what is wrong otherwise.
    `schema`: the figures of an edition frozen then, read with today's keys, where a figure
    added since is None."""
    frozen_at = REGISTRY.schema if schema is None else schema
    expected = {f.key: f for f in REGISTRY.in_scope(scope)}
    problems = [f"{key} : inconnu du registre" for key in _unknown(figures, "", expected)]
    for key, entry in expected.items():
        found = _lookup(figures, key)
        if found is _ABSENT:
            problems.append(f"{key} : manquant")
        elif not entry.accepts(found) and not (found is None and entry.since > frozen_at):
            problems.append(f"{key} : valeur inattendue {found!r:.60}")
    history = figures.get("historique") if scope is Scope.REPORT else None
    for row in history if isinstance(history, list) else []:
        problems += [
            f"historique : {key} inconnu du registre"
            for key in row
            if key != "year" and key not in REGISTRY.figures
        ]
    if problems:
        raise FigureError("Chiffres du rapport et registre en désaccord : " + " ; ".join(problems))
    return figures


def _unknown(node: Mapping, prefix: str, expected: Mapping[str, Figure]) -> Iterator[str]:
    for name, item in node.items():
        key = prefix + name
        if key in expected or (not prefix and name in META):
            continue
        if isinstance(item, Mapping) and REGISTRY.is_group(key):
            yield from _unknown(item, key + ".", expected)
        else:
            yield key


def _lines(scope: Scope, *sets: Mapping) -> Iterator[tuple[str, str, list]]:
    """(key, label, its value in each set) of every number in the registry's order, a
    breakdown's codes each on a line of its own: a code held by one set only (a series with no
    workshop this year) is 0 workshops in the others."""
    for entry in REGISTRY.in_scope(scope):
        if entry.shape is Shape.NUMBER:
            yield entry.key, entry.label, [value(figures, entry.key) for figures in sets]
        elif entry.shape is Shape.BREAKDOWN:
            parts = [value(figures, entry.key) for figures in sets]
            for code in dict.fromkeys(code for part in parts for code in part):
                label = f"{entry.label} – {entry.part_label(code)}"
                yield f"{entry.key}.{code}", label, [part.get(code, 0) for part in parts]


class Row(NamedTuple):
    key: str
    label: str
    value: Any


def rows(figures: Mapping, *, scope: Scope = Scope.REPORT) -> list[Row]:
    """One line per number: the shape of the CSV/XLSX export. A nullable figure without a
    value is a line with None."""
    return [Row(key, label, found) for key, label, (found,) in _lines(scope, figures)]


class Pair(NamedTuple):
    key: str
    label: str
    before: Any
    after: Any


def side_by_side(before: Mapping, after: Mapping, *, scope: Scope = Scope.REPORT) -> list[Pair]:
    """The lines of two sets of figures side by side: a published edition and today, this year
    and the last."""
    return [Pair(key, label, *values) for key, label, values in _lines(scope, before, after)]


def differences(frozen: Mapping, live: Mapping) -> list[dict]:
    """The figures whose live value differs from the published (frozen) one."""
    return [
        {"key": pair.key, "label": pair.label, "published": pair.before, "live": pair.after}
        for pair in side_by_side(frozen, live)
        if pair.before != pair.after
    ]


def tile_words(key: str, count) -> str:
    """What a tile writes after `count` of that figure: « 12 structures accueillies »."""
    words = figure(key).tile
    if words is None:
        raise FigureError(f"« {key} » n'a pas de mots de tuile dans le registre.")
    return words.for_count(count)


class FigureView(Mapping):
    """The figures under a key prefix, read by registered name only: what the templates get as
    `figures`, `extra` and `since`. An unregistered name raises UnknownFigure (not a KeyError,
    which a template would swallow and print as an empty string)."""

    def __init__(self, figures: Mapping, prefix: str = ""):
        self._figures = figures
        self._prefix = prefix

    def __getitem__(self, name: str):
        key = f"{self._prefix}.{name}" if self._prefix else name
        if key in REGISTRY.figures:
            return value(self._figures, key)
        if REGISTRY.is_group(key):
            return FigureView(self._figures, key)
        if not self._prefix and name in META and name in self._figures:
            return self._figures[name]
        raise UnknownFigure(key)

    def __iter__(self) -> Iterator[str]:
        return iter(REGISTRY.children.get(self._prefix, []))

    def __len__(self) -> int:
        return len(REGISTRY.children.get(self._prefix, []))

    def __contains__(self, name) -> bool:
        return name in REGISTRY.children.get(self._prefix, [])


# --- Editions frozen at an older schema --------------------------------------------------------


def frozen_in_current_schema(frozen: Mapping, schema: int | None) -> Mapping:
    """An edition's frozen figures with today's keys: renamed figures read from their key of
    then, figures added since are None (the edition never had them)."""
    if schema == REGISTRY.schema:
        return frozen
    if schema is None or not 1 <= schema < REGISTRY.schema:
        raise FigureError(
            f"Chiffres figés avec la version {schema} du registre, inconnue "
            f"(version actuelle : {REGISTRY.schema})."
        )
    current: dict = {name: frozen[name] for name in META if name in frozen}
    renamed = {}
    for entry in REGISTRY:
        old = entry.key_at(schema)
        found = None if old is None else _lookup(frozen, old)
        if found is _ABSENT:
            raise MissingFigure(f"{old} (édition figée en version {schema})")
        if old is not None:
            renamed[old] = entry.key
        _put(current, entry.key, found)
    history = current.get("historique") or []
    current["historique"] = [{renamed.get(k, k): v for k, v in row.items()} for row in history]
    return current


def _put(tree: dict, key: str, item) -> None:
    *groups, name = key.split(".")
    for group in groups:
        tree = tree.setdefault(group, {})
    tree[name] = item
