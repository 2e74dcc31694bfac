import pytest
from django.core.exceptions import ValidationError

from pes21.validators import siret_problem, validate_siret


@pytest.mark.parametrize("siret", ["73282932000074", "35600000000048", "35600000049837"])
def test_valid_sirets_pass(siret):
    assert siret_problem(siret) is None
    validate_siret(siret)


def test_bad_checksum_is_refused():
    with pytest.raises(ValidationError, match="contrôle de Luhn"):
        validate_siret("73282932000075")


def test_bad_siren_checksum_is_refused():
    assert "SIREN" in siret_problem("73282932100073")


@pytest.mark.parametrize("siret", ["7328293200007", "732829320000745", "7328293200007A", ""])
def test_wrong_length_or_letters_are_refused(siret):
    assert siret_problem(siret) == "Un SIRET compte 14 chiffres."


def test_la_poste_follows_its_own_rule():
    # Digits adding up to a multiple of 5 although the Luhn check fails.
    assert sum(map(int, "35600000049837")) % 5 == 0
    assert siret_problem("35600000049837") is None
    assert "La Poste" in siret_problem("35600000049838")
