"""How the report's figures and texts read in French: numbers, typography, Markdown.

The web page, the PDF and the exports share these helpers so a figure has one way of being
written everywhere; its label and tile words live in the figure registry (reporting/figure_list.py).
"""

import re
import threading

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

from accompaniment.models import Series
from pes21.french import typography

from .selectors import NO_SERIES

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


def french_typography(html: str) -> str:
    """The one French typography of the pages and the report (pes21.french.typography)."""
    return typography(html)


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
