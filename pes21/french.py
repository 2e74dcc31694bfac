"""French as the pages and the report print it: typography, plurals, « de » before a name.

One place for these rules, so a title typed in a form, a name read from an import and the
templates' own words come out alike on the page, in the PDF and in the e-mails.
"""

import re
from decimal import Decimal

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

NNBSP = "\u202f"  # narrow no-break space: French punctuation and thousands
APOSTROPHE = "\u2019"

_TAG = re.compile(r"(<[^>]*>)")
# Printed as typed: an HTML entity (« &amp; » ends with a semicolon), a web or e-mail address
# (a « ? » or « : » in it is no punctuation).
_PROTECTED = re.compile(r"(&#?\w+;|\S*(?:://|www\.|@)\S*)")
# « ; ! ? » » take a narrow no-break space, typed or not (« avancer? » too), except after
# another sign (« ?! »).
_BEFORE_HIGH = re.compile(r"(?:[ \u00a0]|(?<=[^\s\u202f;!?«(\[]))([;!?»])")
# A colon or a per cent sign keeps its space only when the writer typed one: « 10:30 » stays.
_BEFORE_LOW = re.compile(r"[ \u00a0]([:%])")
_AFTER_OPENING = re.compile(r"«[ \u00a0]?")
# Django's escaping writes a straight apostrophe as &#x27; (or &#39;).
_STRAIGHT_APOSTROPHE = re.compile(r"(?<=\w)(?:'|&#x27;|&#39;)(?=\w)")


def _text_typography(text: str) -> str:
    text = _STRAIGHT_APOSTROPHE.sub(APOSTROPHE, text)
    parts = _PROTECTED.split(text)
    for index in range(0, len(parts), 2):  # odd indexes are entities and addresses
        part = _BEFORE_HIGH.sub(NNBSP + r"\1", parts[index])
        part = _BEFORE_LOW.sub(NNBSP + r"\1", part)
        part = _AFTER_OPENING.sub("«" + NNBSP, part)
        parts[index] = part.replace("...", "…")
    return "".join(parts)


def typography(html: str) -> str:
    """French typography on HTML text, tags left alone: a narrow no-break space before
    « ; : ! ? » and inside « », typographic apostrophes, an ellipsis for three dots."""
    parts = _TAG.split(html)
    for index in range(0, len(parts), 2):  # odd indexes are tags
        parts[index] = _text_typography(parts[index])
    return "".join(parts)


def typeset(value) -> SafeString:
    """Any text for a page: escaped unless already safe HTML, then set in French typography."""
    if value is None:
        return mark_safe("")
    return mark_safe(typography(str(conditional_escape(value))))  # noqa: S308 - escaped above


def plural(count, singular: str = "", plural_form: str = "s") -> str:
    """French agreement with a number: singular for 0 and 1 (« 0 structure créée »), plural
    from 2 (Django's `pluralize` writes « 0 structures »)."""
    try:
        many = abs(count) >= 2
    except TypeError:
        return singular
    return plural_form if many else singular


# Names that start with a common noun take an article after « de »: « de l’Association
# Dupuy », « du Comité des fêtes », « de la Coopérative »; (noun, its « de » form).
_ARTICLES = {
    "association": "de l’",
    "atelier": "de l’",
    "épicerie": "de l’",
    "union": "de l’",
    "entreprise": "de l’",
    "espace": "de l’",
    "amicale": "de l’",
    "habitat": "de l’",
    "comité": "du ",
    "collectif": "du ",
    "centre": "du ",
    "café": "du ",
    "garage": "du ",
    "jardin": "du ",
    "groupement": "du ",
    "réseau": "du ",
    "tiers-lieu": "du ",
    "club": "du ",
    "coopérative": "de la ",
    "compagnie": "de la ",
    "fédération": "de la ",
    "ligue": "de la ",
    "maison": "de la ",
    "ferme": "de la ",
    "recyclerie": "de la ",
    "ressourcerie": "de la ",
    "librairie": "de la ",
    "crèche": "de la ",
    "brasserie": "de la ",
    "friperie": "de la ",
    "conciergerie": "de la ",
    "société": "de la ",
    "communauté": "de la ",
    "ville": "de la ",
}
_VOWELS = "aàâäeéèêëiîïoôöuùûüyœh"


def of(name: str) -> str:
    """« de » before a name, as French writes it: « de l’Association Dupuy », « du Comité »,
    « des Jardins », « de La Boucle », « d’Aidants Vivants », « de Burn Out Dijon »."""
    name = name.strip()
    if not name:
        return ""
    first, _, rest = name.partition(" ")
    lowered = first.lower()
    if lowered == "le" and rest:
        return f"du {rest}"
    if lowered == "les" and rest:
        return f"des {rest}"
    if lowered in ("la",) or lowered.startswith(("l'", "l’")):
        return f"de {name}"
    if lowered in _ARTICLES:
        return f"{_ARTICLES[lowered]}{name}"
    if lowered[:1] in _VOWELS:
        return f"d’{name}"
    return f"de {name}"


def format_number(value, decimals: int | None = None) -> str:
    """1 234,5 with a narrow no-break space between thousands, as fr-FR writes it."""
    if value is None or value == "":
        return "–"
    number = Decimal(str(value))
    if decimals is None:
        decimals = 0 if number == number.to_integral_value() else 1
    text = f"{number:,.{decimals}f}"
    return text.replace(",", NNBSP).replace(".", ",")
