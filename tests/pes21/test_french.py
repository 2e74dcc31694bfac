"""French as the pages print it (pes21.french): typography, agreement, « de » before a name."""

import pytest

from pes21.french import of, plural, typeset, typography

NNBSP = "\u202f"


def test_typography_puts_a_narrow_no_break_space_before_high_signs_and_inside_guillemets():
    assert typography("Pourquoi ? Parce que ; enfin !") == (
        f"Pourquoi{NNBSP}? Parce que{NNBSP}; enfin{NNBSP}!"
    )
    assert typography("avancer?") == f"avancer{NNBSP}?"
    assert typography("«oui»") == f"«{NNBSP}oui{NNBSP}»"
    assert typography("Vraiment ?!") == f"Vraiment{NNBSP}?!"


def test_typography_keeps_a_colon_s_space_only_when_typed():
    assert typography("Focus sur : la Boucle") == f"Focus sur{NNBSP}: la Boucle"
    assert typography("à 10:30") == "à 10:30"
    assert typography("14,37 %") == f"14,37{NNBSP}%"


def test_typography_leaves_tags_entities_and_addresses_alone():
    html = '<a href="https://x.org/?a=1">Pourquoi ?</a> Freins &amp; doutes'
    assert (
        typography(html) == f'<a href="https://x.org/?a=1">Pourquoi{NNBSP}?</a> Freins &amp; doutes'
    )
    assert typography("voir https://x.org/?a=1 ou contact@pes21.fr") == (
        "voir https://x.org/?a=1 ou contact@pes21.fr"
    )


def test_typography_writes_apostrophes_and_ellipses():
    assert typography("l'ESS et l&#x27;emploi...") == "l’ESS et l’emploi…"


def test_typeset_escapes_text_and_keeps_safe_html():
    assert typeset("l'ESS <b>") == "l’ESS &lt;b&gt;"
    assert typeset(None) == ""


@pytest.mark.parametrize(
    ("count", "ending"), [(0, ""), (1, ""), (1.5, ""), (2, "s"), (-3, "s"), (None, "")]
)
def test_french_agrees_zero_and_one_in_the_singular(count, ending):
    assert plural(count) == ending


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("Association Dupuy", "de l’Association Dupuy"),
        ("Comité des jeunes", "du Comité des jeunes"),
        ("Coopérative du Val", "de la Coopérative du Val"),
        ("Le Quai", "du Quai"),
        ("Les Jardins", "des Jardins"),
        ("La Boucle", "de La Boucle"),
        ("Aidants Vivants", "d’Aidants Vivants"),
        ("Burn Out Dijon", "de Burn Out Dijon"),
    ],
)
def test_of_writes_de_before_a_name_as_french_does(name, written):
    assert of(name) == written
