from django.core.exceptions import ValidationError

# La Poste's establishments share one SIREN and are too many for the NIC's Luhn key: beyond
# the ones whose whole SIRET passes Luhn (its head office, 356 000 000 00048), INSEE numbers
# them so that the digits of the SIRET add up to a multiple of 5.
LA_POSTE_SIREN = "356000000"


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def siret_problem(value: str) -> str | None:
    """The French reason a SIRET is not valid, or None when it is."""
    if len(value) != 14 or not value.isdigit():
        return "Un SIRET compte 14 chiffres."
    if value[:9] == LA_POSTE_SIREN:
        if luhn_ok(value) or sum(int(c) for c in value) % 5 == 0:
            return None
        return "Ce SIRET de La Poste ne respecte pas sa règle de contrôle."
    if not luhn_ok(value[:9]):
        return "Le SIREN (9 premiers chiffres) ne passe pas le contrôle de Luhn."
    if not luhn_ok(value):
        return "Ce SIRET ne passe pas le contrôle de Luhn : vérifiez les chiffres."
    return None


def validate_siret(value: str) -> None:
    problem = siret_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_siret")


def validate_siren(value: str) -> None:
    if len(value) != 9 or not value.isdigit():
        raise ValidationError("Un SIREN compte 9 chiffres.", code="invalid_siren")
    if not luhn_ok(value):
        raise ValidationError("Ce SIREN ne passe pas le contrôle de Luhn.", code="invalid_siren")
