"""How the report's figures and texts read in French: labels, numbers, typography, Markdown.

The web page, the PDF and the exports share these helpers so a figure has one label and one
way of being written everywhere.
"""

import re
import threading
from decimal import Decimal

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

from accompaniment.models import Series
from followups.selectors import FIGURE_LABELS as FOLLOW_UP_FIGURE_LABELS

from .selectors import NO_SERIES

NNBSP = "\u202f"  # narrow no-break space: thousands separator and French punctuation

# Every figure of the report, in the order a reader meets them, and the one place its words live:
# dotted key -> (label of a row: exports, dashboard, charts; words after the number on a tile of
# the page and the PDF, "" for a figure shown on no tile).
FIGURES: dict[str, tuple[str, str]] = {
    "dla.structures_beneficiaires": (
        "Structures bénéficiaires du DLA",
        "structures bénéficiaires du DLA",
    ),
    "dla.structures_accueillies": ("Structures accueillies", "structures accueillies"),
    "dla.diagnostics": ("Diagnostics partagés", "diagnostics"),
    "dla.ingenieries_individuelles": ("Ingénieries individuelles", "ingénieries individuelles"),
    "dla.ingenieries_collectives": ("Ingénieries collectives", "ingénieries collectives"),
    "dla.ingenieries_collectives_structures": ("Structures en ingénierie collective", ""),
    "dla.suivis_post": ("Suivis post-accompagnement", "suivis post"),
    "dla.emplois_consolides": ("Emplois consolidés", ""),
    "creation.projets_accueillis": ("Projets accueillis (Bénéfices'Créa)", "projets accueillis"),
    "creation.projets_accompagnes": ("Projets accompagnés (Bénéfices'Créa)", "projets accompagnés"),
    "creation.structures_creees": ("Structures créées (Bénéfices'Créa)", "structures créées"),
    "creation.emplois_crees": ("Emplois créés (Bénéfices'Créa)", "emplois créés"),
    "sensibilisation.ateliers_pes": ("Ateliers animés par le PES", "ateliers animés par le PES"),
    "sensibilisation.ateliers_collectif": ("Ateliers du collectif (partenaires compris)", ""),
    "sensibilisation.formations": ("Formations", "formations"),
    "generateur.projets_accompagnes": (
        "Projets de territoire accompagnés",
        "projets de territoire accompagnés",
    ),
    "vie_associative.benevoles_actifs": ("Bénévoles actifs", "bénévoles actifs"),
    "complements.dla.cout_eur": ("Coût des ingénieries DLA (€)", ""),
    "complements.dla.jours": ("Jours d'ingénierie DLA", ""),
    "complements.creation.rendez_vous": ("Rendez-vous avec les porteurs", ""),
    "complements.creation.heures": ("Heures de rendez-vous", ""),
    "complements.creation.projets_rencontres": ("Projets rencontrés en rendez-vous", ""),
    "complements.sensibilisation.actions_animees": (
        "Ateliers, formations et événements animés par le PES",
        "",
    ),
    "complements.sensibilisation.evenements": ("Événements animés par le PES", ""),
    "complements.sensibilisation.participants": ("Participants aux actions animées par le PES", ""),
    "complements.sensibilisation.heures": ("Heures d'actions collectives animées", ""),
    "complements.generateur.actions": (
        "Actions sur les territoires",
        "actions sur les territoires",
    ),
    "complements.generateur.participants": (
        "Participants aux actions de territoire",
        "participations aux actions",
    ),
    "complements.generateur.structures_creees": ("Structures créées sur les territoires", ""),
    "depuis_creation.porteurs_accueillis": (
        "Porteurs accueillis depuis la création",
        "porteurs de projet accueillis",
    ),
    "depuis_creation.projets_accueillis": ("Projets accueillis depuis la création", ""),
    "depuis_creation.structures_creees": (
        "Structures créées depuis la création",
        "structures créées",
    ),
    "depuis_creation.emplois_crees": ("Emplois créés depuis la création", "emplois créés"),
    "depuis_creation.structures_dla_beneficiaires": (
        "Structures bénéficiaires du DLA depuis la création",
        "structures bénéficiaires du DLA",
    ),
    "depuis_creation.emplois_consolides": (
        "Emplois consolidés depuis la création",
        "emplois consolidés",
    ),
}

# The follow-up figures' labels are built by their app from its own parts of a sentence.
FIGURES.update({key: (label, "") for key, label in FOLLOW_UP_FIGURE_LABELS.items()})

# The volunteers' four missions as the report presents them (issue 15, after the 2023 report).
MISSION_TITLES = {
    "accueil_amont": "Accueil de projets en amont",
    "co_accompagnement": "Co-accompagnement",
    "post_accompagnement": "Post-accompagnement",
    "vie_associative": "Vie associative",
}
MISSION_DESCRIPTIONS = {
    "accueil_amont": (
        "Écouter, échanger avec les porteurs de projets dont le projet n'est pas encore assez "
        "« mûr » pour entrer dans un accompagnement classique."
    ),
    "co_accompagnement": (
        "Avec le chargé de mission à la création d'entreprises de l'ESS, co-accompagner les "
        "projets pour lesquels les bénévoles ont une sensibilité, des compétences, un réseau."
    ),
    "post_accompagnement": (
        "Une fois l'accompagnement terminé, faire le bilan avec les porteurs de projets, "
        "le point sur leurs souhaits, évoquer d'autres besoins."
    ),
    "vie_associative": (
        "Événements du PES 21, moments conviviaux, réunions partenariales et représentation "
        "du Pôle aux événements extérieurs."
    ),
}

SERIES_LABELS = dict(Series.choices) | {NO_SERIES: "Sans cycle"}


def series_label(code: str) -> str:
    return SERIES_LABELS.get(code, code)


def flatten(figures: dict) -> dict[str, object]:
    """The report's scalar figures as {dotted key: value}, workshops by series included."""
    flat: dict[str, object] = {}
    for key in FIGURES:
        value = figures
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is not None:
            flat[key] = value
    for code, count in figures.get("sensibilisation", {}).get("ateliers_par_cycle", {}).items():
        flat[f"sensibilisation.ateliers_par_cycle.{code}"] = count
    return flat


def figure_label(key: str) -> str:
    prefix = "sensibilisation.ateliers_par_cycle."
    if key.startswith(prefix):
        return f"Ateliers animés par le PES – {series_label(key[len(prefix) :])}"
    return FIGURES[key][0] if key in FIGURES else key


def tile_words(key: str) -> str:
    """What a tile writes after the figure: "12 structures accueillies"."""
    return FIGURES[key][1]


def figures_table(figures: dict) -> list[tuple[str, str, object]]:
    """(key, label, value) rows: the shape of the CSV/XLSX export and of the diff."""
    return [(key, figure_label(key), value) for key, value in flatten(figures).items()]


def differences(frozen: dict, live: dict) -> list[dict]:
    """The figures whose live value differs from the published (frozen) one."""
    before, now = flatten(frozen), flatten(live)
    rows = []
    for key in dict.fromkeys([*before, *now]):
        if before.get(key, 0) != now.get(key, 0):
            rows.append(
                {
                    "key": key,
                    "label": figure_label(key),
                    "published": before.get(key, 0),
                    "live": now.get(key, 0),
                }
            )
    return rows


def format_number(value, decimals: int | None = None) -> str:
    """1 234,5 with a narrow no-break space between thousands, as fr-FR writes it."""
    if value is None or value == "":
        return "–"
    number = Decimal(str(value))
    if decimals is None:
        decimals = 0 if number == number.to_integral_value() else 1
    text = f"{number:,.{decimals}f}"
    return text.replace(",", NNBSP).replace(".", ",")


_BEFORE = re.compile(r"[ \u00a0]([;:!?»])")
_AFTER = re.compile(r"«[ \u00a0]?")
_TAG = re.compile(r"(<[^>]*>)")


def french_typography(html: str) -> str:
    """Narrow no-break spaces before ; : ! ? » and after «, outside HTML tags."""
    parts = _TAG.split(html)
    for index in range(0, len(parts), 2):  # even indexes are text, odd ones tags
        text = _BEFORE.sub(NNBSP + r"\1", parts[index])
        parts[index] = _AFTER.sub("«" + NNBSP, text)
    return "".join(parts)


_ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "h3",
    "h4",
    "sup",
    "sub",
    "hr",
    "div",
}


_converters = threading.local()


def _converter() -> markdown.Markdown:
    # Building a converter (its extensions and patterns) costs more than converting a text,
    # and a report page converts a dozen: one per thread, reset between texts.
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown.Markdown(
            extensions=["sane_lists", "footnotes"],
            extension_configs={
                "footnotes": {"BACKLINK_TEXT": "↩", "BACKLINK_TITLE": "Retour au texte"}
            },
            output_format="html",
        )
    return converter.reset()


def render_markdown(text: str, *, anchor: str = "") -> SafeString:
    """Markdown written by the director, sanitised: no script, no style, no raw HTML.

    Numbered footnotes (`texte[^1]` … `[^1]: https://…`) print as a numbered list after the
    text; `anchor` keeps the footnotes of two texts of one page from sharing an id.
    """
    if not text:
        return mark_safe("")
    html = _converter().convert(text)
    if anchor:
        html = _FOOTNOTE_ID.sub(rf"\1{anchor}-\2", html)
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "sup": {"id"}, "li": {"id"}},
        attribute_filter=_footnote_attributes_only,
        allowed_classes={"a": {"footnote-ref", "footnote-backref"}, "div": {"footnote"}},
        url_schemes={"http", "https", "mailto"},
    )
    return mark_safe(french_typography(clean))  # noqa: S308 - sanitised by nh3 above


# What Markdown's footnotes write, and nothing else a text could reuse: an id naming a footnote
# (« edito-fn:1 », « fnref2:1 ») and a link to one. Any other id could take over one of the
# page's own (the skip link's target, a form's), and a relative link could lead anywhere on
# the site while looking like the report's.
_FOOTNOTE_NAME = re.compile(r"(?:\w+-)?fn(?:ref\d*)?:[\w-]+\Z")


def _footnote_attributes_only(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return value if _FOOTNOTE_NAME.match(value) else None
    if attribute == "href" and value.startswith("#"):
        return value if _FOOTNOTE_NAME.match(value[1:]) else None
    if attribute == "href" and not value.lower().startswith(("http:", "https:", "mailto:")):
        return None
    return value


# The ids and links Markdown's footnotes write: id="fn:1", href="#fnref:1".
_FOOTNOTE_ID = re.compile(r'((?:id="|href="#))(fn(?:ref)?:)')
