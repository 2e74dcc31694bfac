"""Start-up check of the figure registry (`manage.py check`, runserver, migrate).

A figure renamed in the registry but not where the code or a template of the report names it
stops the server from starting, instead of printing 0 or nothing on the funders' report.
"""

import re

from django.core import checks
from django.template.loader import get_template

from .figure_types import SECTIONS

HINT = "Chaque chiffre du rapport est déclaré une fois dans reporting/figure_list.py."

# The report's templates: the web page and the PDF, and all they include.
REPORT_TEMPLATES = ("reporting/report.html", "reporting/pdf/report.html")
_INCLUDE = re.compile(r"""{%\s*include\s+["']([^"']+)["']""")
_KEY = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")


@checks.register()
def figure_registry(app_configs, **kwargs) -> list[checks.CheckMessage]:
    from . import desk, document, registry, selectors

    errors = _registry_errors(registry, document)
    for where, keys, contract, tile in [
        ("reporting.document.TILES", document.TILES, False, True),
        ("reporting.selectors.HISTORY_FIGURES", selectors.HISTORY_FIGURES, True, False),
        ("reporting.desk.DESK_FIGURES", desk.DESK_FIGURES, True, True),
    ]:
        errors += _named_errors(registry, where, keys, contract=contract, tile=tile)
    errors += _template_errors(registry, document.FIGURE_NAMES)
    return errors


def _error(message: str, code: int) -> checks.Error:
    return checks.Error(message, hint=HINT, id=f"reporting.E{code:03d}")


def _registry_errors(registry, document) -> list[checks.Error]:
    parts = {anchor.replace("-", "_") for anchor, _ in document.PARTS}
    errors = [
        _error(f"La rubrique « {section} » du registre n'est pas une partie du rapport.", 1)
        for section in SECTIONS
        if section not in parts
    ]
    reg = registry.REGISTRY
    for entry in reg:
        problems = []
        if not _KEY.match(entry.key):
            problems.append("clé mal formée")
        if entry.key in reg.children:
            problems.append("clé qui est aussi le groupe d'autres chiffres")
        if entry.section not in SECTIONS:
            problems.append(f"rubrique inconnue « {entry.section} »")
        if not entry.label:
            problems.append("sans libellé")
        if not callable(entry.selector) or "selectors" not in entry.selector.__module__.split("."):
            problems.append("son sélecteur n'est pas une fonction d'un module selectors")
        if entry.tile is not None and entry.shape is not registry.Shape.NUMBER:
            problems.append("des mots de tuile pour ce qui n'est pas un nombre")
        if (entry.part_label is None) == (entry.shape is registry.Shape.BREAKDOWN):
            problems.append("part_label est pour les répartitions, et seulement pour elles")
        if not 1 <= entry.since <= reg.schema:
            problems.append(f"since={entry.since} hors des versions 1 à {reg.schema}")
        if any(not entry.since <= until < reg.schema for until, _ in entry.formerly):
            problems.append("une ancienne clé hors des versions passées du registre")
        errors += [_error(f"Chiffre « {entry.key} » : {problem}.", 1) for problem in problems]
    return errors


def _named_errors(registry, where: str, keys, *, contract: bool, tile: bool) -> list:
    errors = []
    for key in keys:
        entry = registry.REGISTRY.figures.get(key)
        if entry is None:
            errors.append(_error(f"{where} nomme « {key} », inconnu du registre.", 2))
        elif contract and not entry.contract:
            errors.append(_error(f"{where} nomme « {key} », hors du tableau du contrat.", 2))
        elif tile and entry.tile is None:
            errors.append(_error(f"{where} nomme « {key} », sans mots de tuile.", 2))
    return errors


def _template_errors(registry, names: dict[str, str]) -> list[checks.Error]:
    """Every `figures.…`, `extra.…`, `since.…` of the report's templates names a registered
    figure, a group of them, or what a table holds."""
    pattern = re.compile(rf"\b({'|'.join(names)})((?:\.\w+)+)")
    errors, seen, queue = [], set(), list(REPORT_TEMPLATES)
    while queue:
        name = queue.pop()
        if name in seen:
            continue
        seen.add(name)
        source = get_template(name).template.source
        queue += _INCLUDE.findall(source)
        for root, path in pattern.findall(source):
            key = ".".join(part for part in (names[root], path.strip(".")) if part)
            if not _known(registry, key):
                message = f"Le gabarit {name} lit « {root}{path} », inconnu du registre."
                errors.append(_error(message, 3))
    return errors


def _known(registry, path: str) -> bool:
    parts = path.split(".")
    for depth in range(1, len(parts) + 1):
        key = ".".join(parts[:depth])
        entry = registry.REGISTRY.figures.get(key)
        if entry is not None:  # further names are inside a table's rows
            return depth == len(parts) or entry.shape is not registry.Shape.NUMBER
        if not registry.REGISTRY.is_group(key):
            return False
    return True
