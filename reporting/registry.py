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

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from followups import selectors as followups_selectors

from . import selectors
from .presentation import series_label

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
        super().__init__(f"« {key} » n'est pas un chiffre du registre (reporting/registry.py).")
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


def _follow_up_block(prefix: str, title: str, cohort: tuple[str, str], section: str, selector):
    """The figures of one survival block (rules: docs/import-format.md, « Outcome follow-ups »)."""
    parts = [
        cohort,
        ("structures", "structures"),
        ("suivies", "structures suivies"),
        ("non_renseignees", "structures sans réponse"),
        ("actives", "structures en activité"),
        ("reprises", "structures reprises"),
        ("arretees", "structures arrêtées"),
        ("taux_survie", "taux de survie (%)"),
        ("emplois_avant", "emplois au départ"),
        ("emplois_apres", "emplois"),
        ("etp_apres", "ETP"),
    ]
    return [
        Figure(
            f"{prefix}.{name}",
            section,
            f"{title} : {label}",
            selector,
            nullable=name == "taux_survie",
        )
        for name, label in parts
    ]


_S, _F = selectors, followups_selectors

REGISTRY = Registry(
    [
        # --- The contract's table -------------------------------------------------------
        Figure(
            "dla.structures_beneficiaires",
            "dla",
            "Structures bénéficiaires du DLA",
            _S.dla_figures,
            Words("structure bénéficiaire du DLA", "structures bénéficiaires du DLA"),
            contract=True,
        ),
        Figure(
            "dla.structures_accueillies",
            "dla",
            "Structures accueillies",
            _S.dla_figures,
            Words("structure accueillie", "structures accueillies"),
            contract=True,
        ),
        Figure(
            "dla.diagnostics",
            "dla",
            "Diagnostics partagés",
            _S.dla_figures,
            Words("diagnostic", "diagnostics"),
            contract=True,
        ),
        Figure(
            "dla.ingenieries_individuelles",
            "dla",
            "Ingénieries individuelles",
            _S.dla_figures,
            Words("ingénierie individuelle", "ingénieries individuelles"),
            contract=True,
        ),
        Figure(
            "dla.ingenieries_collectives",
            "dla",
            "Ingénieries collectives",
            _S.dla_figures,
            Words("ingénierie collective", "ingénieries collectives"),
            contract=True,
        ),
        Figure(
            "dla.ingenieries_collectives_structures",
            "dla",
            "Structures en ingénierie collective",
            _S.dla_figures,
            Words("structure bénéficiaire", "structures bénéficiaires"),
            contract=True,
        ),
        Figure(
            "dla.suivis_post",
            "dla",
            "Suivis post-accompagnement",
            _S.dla_figures,
            Words("suivi post", "suivis post"),
            contract=True,
        ),
        Figure(
            "dla.emplois_consolides",
            "dla",
            "Emplois consolidés",
            _S.dla_figures,
            Words("emploi consolidé", "emplois consolidés"),
            contract=True,
        ),
        Figure(
            "creation.projets_accueillis",
            "creation",
            "Projets accueillis (Bénéfices'Créa)",
            _S.creation_figures,
            Words("projet accueilli", "projets accueillis"),
            contract=True,
        ),
        Figure(
            "creation.projets_accompagnes",
            "creation",
            "Projets accompagnés (Bénéfices'Créa)",
            _S.creation_figures,
            Words("projet accompagné", "projets accompagnés"),
            contract=True,
        ),
        Figure(
            "creation.structures_creees",
            "creation",
            "Structures créées (Bénéfices'Créa)",
            _S.creation_figures,
            Words("structure créée", "structures créées"),
            contract=True,
        ),
        Figure(
            "creation.emplois_crees",
            "creation",
            "Emplois créés (Bénéfices'Créa)",
            _S.creation_figures,
            Words("emploi créé", "emplois créés"),
            contract=True,
        ),
        Figure(
            "sensibilisation.ateliers_pes",
            "sensibilisation",
            "Ateliers animés par le PES",
            _S.sensibilisation_figures,
            Words("atelier animé par le PES", "ateliers animés par le PES"),
            contract=True,
        ),
        Figure(
            "sensibilisation.ateliers_par_cycle",
            "sensibilisation",
            "Ateliers animés par le PES",
            _S.sensibilisation_figures,
            shape=Shape.BREAKDOWN,
            part_label=series_label,
            contract=True,
        ),
        Figure(
            "sensibilisation.ateliers_collectif",
            "sensibilisation",
            "Ateliers du collectif (partenaires compris)",
            _S.sensibilisation_figures,
            contract=True,
        ),
        Figure(
            "sensibilisation.formations",
            "sensibilisation",
            "Formations",
            _S.sensibilisation_figures,
            Words("formation", "formations"),
            contract=True,
        ),
        Figure(
            "generateur.projets_accompagnes",
            "generateur",
            "Projets de territoire accompagnés",
            _S.generateur_figures,
            Words("projet de territoire accompagné", "projets de territoire accompagnés"),
            contract=True,
        ),
        Figure(
            "vie_associative.benevoles_actifs",
            "vie_associative",
            "Bénévoles actifs",
            _S.vie_associative_figures,
            Words("bénévole actif", "bénévoles actifs"),
            contract=True,
        ),
        # --- The report's other figures ---------------------------------------------------
        Figure(
            "complements.dla.cout_eur",
            "dla",
            "Coût des ingénieries DLA (€)",
            _S.dla_engineering_means,
        ),
        Figure(
            "complements.dla.jours",
            "dla",
            "Jours d'ingénierie DLA",
            _S.dla_engineering_means,
        ),
        Figure(
            "complements.dla.themes",
            "dla",
            "Ingénieries par thème",
            _S.dla_engineerings_by_theme,
            shape=Shape.TABLE,
        ),
        *_follow_up_block(
            "complements.dla.suivi_1_an",
            "Structures DLA, 1 an après l'ingénierie",
            ("annee_ingenierie", "année de l'ingénierie"),
            "dla",
            _F.dla_survival,
        ),
        *_follow_up_block(
            "complements.dla.suivi_2_ans",
            "Structures DLA, 2 ans après l'ingénierie",
            ("annee_ingenierie", "année de l'ingénierie"),
            "dla",
            _F.dla_survival,
        ),
        Figure(
            "complements.creation.rendez_vous",
            "creation",
            "Rendez-vous avec les porteurs",
            _S.meeting_figures,
        ),
        Figure(
            "complements.creation.heures",
            "creation",
            "Heures de rendez-vous",
            _S.meeting_figures,
        ),
        Figure(
            "complements.creation.projets_rencontres",
            "creation",
            "Projets rencontrés en rendez-vous",
            _S.meeting_figures,
        ),
        Figure(
            "complements.creation.par_programme",
            "creation",
            "Par programme",
            _S.creation_by_programme,
            shape=Shape.TABLE,
        ),
        *_follow_up_block(
            "complements.creation.survie_3_ans",
            "Structures créées il y a 3 ans",
            ("annee_de_creation", "année de création"),
            "creation",
            _F.creation_survival,
        ),
        Figure(
            "complements.sensibilisation.actions_animees",
            "sensibilisation",
            "Ateliers, formations et événements animés par le PES",
            _S.collective_action_details,
        ),
        Figure(
            "complements.sensibilisation.evenements",
            "sensibilisation",
            "Événements animés par le PES",
            _S.collective_action_details,
        ),
        Figure(
            "complements.sensibilisation.participants",
            "sensibilisation",
            "Participants aux actions animées par le PES",
            _S.collective_action_details,
        ),
        Figure(
            "complements.sensibilisation.heures",
            "sensibilisation",
            "Heures d'actions collectives animées",
            _S.collective_action_details,
        ),
        Figure(
            "complements.sensibilisation.formations_par_organisme",
            "sensibilisation",
            "Formations par organisme",
            _S.collective_action_details,
            shape=Shape.TABLE,
        ),
        Figure(
            "complements.generateur.actions",
            "generateur",
            "Actions sur les territoires",
            _S.generateur_details,
            Words("action sur les territoires", "actions sur les territoires"),
        ),
        Figure(
            "complements.generateur.participants",
            "generateur",
            "Participants aux actions de territoire",
            _S.generateur_details,
            Words("participation aux actions", "participations aux actions"),
        ),
        Figure(
            "complements.generateur.structures_creees",
            "generateur",
            "Structures créées sur les territoires",
            _S.generateur_details,
        ),
        Figure(
            "complements.generateur.par_territoire",
            "generateur",
            "Projets de territoire accompagnés",
            _S.generateur_by_territory,
            shape=Shape.TABLE,
        ),
        Figure(
            "complements.generateur.actions_par_projet",
            "generateur",
            "Actions de chaque projet de territoire",
            _S.territorial_actions_by_project,
            shape=Shape.TABLE,
        ),
        Figure(
            "complements.vie_associative.heures_par_mission",
            "vie_associative",
            "Heures des bénévoles par mission",
            _S.volunteer_hours_by_mission,
            shape=Shape.TABLE,
        ),
        Figure(
            "complements.vie_associative.benevoles_par_mission",
            "vie_associative",
            "Bénévoles par mission",
            _S.volunteers_by_mission,
            shape=Shape.TABLE,
        ),
        Figure(
            "complements.dijon.evenements",
            "dijon",
            "Actions de la Métropole et de la Ville de Dijon",
            _S.events_of_series,
            shape=Shape.TABLE,
        ),
        Figure(
            "complements.club.evenements",
            "club",
            "Événements du Club des entrepreneurs de l'ESS",
            _S.events_of_series,
            shape=Shape.TABLE,
        ),
        # --- Since the creation of the association ----------------------------------------
        Figure(
            "depuis_creation.porteurs_accueillis",
            "depuis_creation",
            "Porteurs accueillis depuis la création",
            _S.since_creation_figures,
            Words("porteur de projet accueilli", "porteurs de projet accueillis"),
        ),
        Figure(
            "depuis_creation.projets_accueillis",
            "depuis_creation",
            "Projets accueillis depuis la création",
            _S.since_creation_figures,
        ),
        Figure(
            "depuis_creation.structures_creees",
            "depuis_creation",
            "Structures créées depuis la création",
            _S.since_creation_figures,
            Words("structure créée", "structures créées"),
        ),
        Figure(
            "depuis_creation.emplois_crees",
            "depuis_creation",
            "Emplois créés depuis la création",
            _S.since_creation_figures,
            Words("emploi créé", "emplois créés"),
        ),
        Figure(
            "depuis_creation.structures_dla_beneficiaires",
            "depuis_creation",
            "Structures bénéficiaires du DLA depuis la création",
            _S.since_creation_figures,
            Words("structure bénéficiaire du DLA", "structures bénéficiaires du DLA"),
        ),
        Figure(
            "depuis_creation.emplois_consolides",
            "depuis_creation",
            "Emplois consolidés depuis la création",
            _S.since_creation_figures,
            Words("emploi consolidé", "emplois consolidés"),
        ),
        # The charted figures of the years up to the report's, a row a year keyed by the
        # figures' keys; each chart shows in its figure's section, the rows stand with the totals
        # since the creation.
        Figure(
            "historique", "depuis_creation", "Les années passées", _S.history, shape=Shape.TABLE
        ),
    ],
    schema=SCHEMA,
)


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
