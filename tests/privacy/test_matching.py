"""Finding a person in typed text: names whatever the case, accents or hyphens, phones in any
format compared as numbers, e-mails; the full name everywhere, a part of it only in the texts
about them."""

import re

import pytest

from privacy.matching import ANONYMISED, Identity, Matcher, sub_in_json

ELOISE = Identity(
    "Éloïse", "Vauthier-Kermarrec", emails=("eloise.vk@example.org",), phones=("0698765432",)
)


@pytest.mark.parametrize(
    "written",
    [
        "Éloïse Vauthier-Kermarrec",
        "eloise vauthier kermarrec",
        "VAUTHIER-KERMARREC Éloïse",
        "Vauthier Kermarrec, Eloise",
        "ÉLOÏSE VAUTHIER‑KERMARREC",  # a non-breaking hyphen
        "Mme Vauthier-Kermarrec",
        "É. Vauthier-Kermarrec",
    ],
)
def test_her_name_is_found_however_it_is_written(written):
    text, count = Matcher(ELOISE).sub(f"Rendez-vous avec {written} demain.")
    assert count == 1 and "auth" not in text.lower() and ANONYMISED in text


def test_a_title_stays_before_the_replaced_name():
    assert Matcher(ELOISE).sub("Mme Vauthier-Kermarrec a appelé")[0] == (
        f"Mme {ANONYMISED} a appelé"
    )


@pytest.mark.parametrize(
    "written",
    ["0698765432", "+33 6 98 76 54 32", "06.98.76.54.32", "06-98-76-54-32", "0033698765432"],
)
def test_her_phone_is_found_in_any_format(written):
    assert Matcher(ELOISE).sub(f"Rappeler au {written}.") == (f"Rappeler au {ANONYMISED}.", 1)


def test_another_number_is_left_alone():
    text = "Standard : 03 80 12 34 56, SIRET 69876543200017."
    assert Matcher(ELOISE, broad=True).sub(text) == (text, 0)


def test_her_e_mail_goes_whole():
    text, count = Matcher(ELOISE, broad=True).sub("Écrire à Eloise.VK@example.org ou Éloïse")
    assert text == f"Écrire à {ANONYMISED} ou {ANONYMISED}" and count == 2


def test_a_part_of_her_name_alone_is_her_only_where_the_text_is_about_her():
    text = "Vauthier-Kermarrec et Éloïse sont venues ; Marc Vauthier aussi."
    assert Matcher(ELOISE).sub(text) == (text, 0)
    replaced, count = Matcher(ELOISE, broad=True).sub(text)
    assert replaced.startswith(f"{ANONYMISED} et {ANONYMISED} sont venues") and count == 2


def test_a_name_inside_another_word_is_not_hers():
    roy = Identity("Ana", "Roy")
    text = "Royaume d'Anaïs, Ana."
    assert Matcher(roy, broad=True).sub(text) == (f"Royaume d'Anaïs, {ANONYMISED}.", 1)


def test_json_strings_are_replaced_keys_and_values():
    value = {"to": ["eloise.vk@example.org"], "Éloïse Vauthier-Kermarrec": {"n": 3}}
    replaced, count = sub_in_json(value, Matcher(ELOISE).sub)
    assert replaced == {"to": [ANONYMISED], ANONYMISED: {"n": 3}} and count == 2


def test_the_database_pattern_is_never_narrower_than_the_matcher():
    pattern = re.compile(Matcher(ELOISE).db_pattern(), re.IGNORECASE)
    escaped = re.compile(Matcher(ELOISE).db_pattern(json_escapes=True), re.IGNORECASE)
    for text in ("VAUTHIER KERMARREC Eloise", "+33 6 98 76 54 32", "eloise.vk@example.org"):
        assert pattern.search(text)
    # SQLite stores JSON with \\uXXXX escapes for accented letters.
    assert escaped.search('{"x": "Vauthier-Kermarr\\u00e9c"}')
