"""Writes of the DLA app: structures, consultants, steps of the path, collective engineerings.

Every write runs full_clean() first; an edit is saved only if nobody saved the same record
since the form was shown (pes21.concurrency), so two people editing never lose a change.
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from pes21.concurrency import save_versioned
from pes21.services import record_key, set_fields

from .models import (
    CollectiveEngineering,
    Provider,
    Step,
    StepKind,
    Structure,
)

MIN_COLLECTIVE_STRUCTURES = 2


# --- Structures -----------------------------------------------------------------------------


def sirets_taken(structures: Sequence[Structure]) -> dict[int, dict[str, str]]:
    """One SIRET, one structure: a second record would split its path and double its jobs.

    For each structure of the list (by position) whose SIRET a saved structure, or one earlier
    in the list, already has: the French message on `siret`. One query, whatever the length
    (the forms give one structure, the import a chunk of its file)."""
    wanted = {structure.siret for structure in structures if structure.siret}
    if not wanted:
        return {}
    own = [structure.pk for structure in structures if structure.pk is not None]
    holders = dict(
        Structure.objects.filter(siret__in=wanted)
        .exclude(pk__in=own)
        .order_by("pk")
        .values_list("siret", "name")
    )
    refused = {}
    for position, structure in enumerate(structures):
        siret = structure.siret
        if not siret:
            continue
        if siret in holders:
            refused[position] = {
                "siret": f"Ce SIRET est déjà celui de la structure « {holders[siret]} »."
            }
        else:
            holders[siret] = structure.name
    return refused


def _refuse(refused: dict[int, dict[str, str]]) -> None:
    if refused:
        raise ValidationError(next(iter(refused.values())))


def _check_structure(structure: Structure) -> None:
    structure.full_clean()
    _refuse(sirets_taken([structure]))


def structure_create(*, data: dict[str, Any]) -> Structure:
    structure = Structure()
    set_fields(structure, data)
    _check_structure(structure)
    structure.save()
    return structure


@transaction.atomic
def structure_update(
    *, structure: Structure, data: dict[str, Any], expected_version: int | None = None
) -> Structure:
    set_fields(structure, data)
    _check_structure(structure)
    save_versioned(structure, expected_version)
    return structure


# --- Consultants ----------------------------------------------------------------------------


def provider_create(*, data: dict[str, Any]) -> Provider:
    provider = Provider()
    set_fields(provider, data)
    provider.full_clean()
    provider.save()
    return provider


@transaction.atomic
def provider_update(
    *, provider: Provider, data: dict[str, Any], expected_version: int | None = None
) -> Provider:
    set_fields(provider, data)
    provider.full_clean()
    save_versioned(provider, expected_version)
    return provider


# --- Steps ----------------------------------------------------------------------------------


def collective_memberships_taken(steps: Sequence[Step]) -> dict[int, dict[str, str]]:
    """A structure joins a collective engineering once: its jobs and days would count twice.

    For each collective step of the list (by position) whose structure already has a step in
    that collective engineering — saved, or earlier in the list —: the French message on
    `collective`. One query, whatever the length."""
    pairs = {}
    for position, step in enumerate(steps):
        collective = getattr(step, "collective", None)
        if step.kind == StepKind.COLLECTIVE_ENGINEERING and collective is not None:
            pairs[position] = (record_key(step.structure), record_key(collective))
    saved = [(s, c) for s, c in pairs.values() if s[0] == "saved" and c[0] == "saved"]
    taken = set()
    if saved:
        own = [step.pk for step in steps if step.pk is not None]
        found = (
            Step.objects.filter(
                structure_id__in={s[1] for s, _ in saved},
                collective_id__in={c[1] for _, c in saved},
            )
            .exclude(pk__in=own)
            .values_list("structure_id", "collective_id")
        )
        taken = {(("saved", s), ("saved", c)) for s, c in found}
    refused = {}
    for position, pair in pairs.items():
        if pair in taken:
            refused[position] = {
                "collective": "Cette structure participe déjà à cette ingénierie collective."
            }
        taken.add(pair)
    return refused


def _check_step(step: Step) -> None:
    """The step's own rules (`Step.clean`: what its kind asks, no date ahead), and a structure
    joining a collective engineering once."""
    step.full_clean()
    _refuse(collective_memberships_taken([step]))


def step_record(*, structure: Structure, data: dict[str, Any]) -> Step:
    """Add one step to a structure's path."""
    step = Step(structure=structure)
    set_fields(step, data)
    _check_step(step)
    step.save()
    return step


@transaction.atomic
def step_update(
    *,
    step: Step,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> Step:
    set_fields(step, data)
    _check_step(step)
    save_versioned(step, expected_version)
    return step


def step_delete(*, step: Step) -> None:
    step.delete()


# --- Collective engineerings ----------------------------------------------------------------


@transaction.atomic
def collective_create(
    *,
    data: dict[str, Any],
    structures: Iterable[Structure],
    days_per_structure: Decimal | None,
    cost_per_structure: Decimal | None,
    staff,
) -> CollectiveEngineering:
    """Create a collective engineering and one step for each structure taking part."""
    structures = list(structures)
    if len(structures) < MIN_COLLECTIVE_STRUCTURES:
        raise ValidationError(
            {"structures": "Une ingénierie collective réunit au moins deux structures."}
        )
    collective = CollectiveEngineering()
    set_fields(collective, data)
    collective.full_clean()
    collective.save()
    for structure in structures:
        try:
            step_record(
                structure=structure,
                data={
                    "kind": StepKind.COLLECTIVE_ENGINEERING,
                    "date": collective.started_on,
                    "collective": collective,
                    "days": days_per_structure,
                    "cost_eur": cost_per_structure,
                    "staff": staff,
                },
            )
        except ValidationError as error:
            # The form has no field of the step: say which structure and why, on the form.
            raise ValidationError(f"{structure.name} : {' '.join(error.messages)}") from error
    return collective


def collective_add_structure(
    *,
    collective: CollectiveEngineering,
    structure: Structure,
    days: Decimal | None,
    cost_eur: Decimal | None,
    staff,
) -> Step:
    """A structure joins a collective engineering already under way."""
    if not collective.started_on:
        raise ValidationError("Indiquez d'abord la date de début de l'ingénierie collective.")
    return step_record(
        structure=structure,
        data={
            "kind": StepKind.COLLECTIVE_ENGINEERING,
            "date": collective.started_on,
            "collective": collective,
            "days": days,
            "cost_eur": cost_eur,
            "staff": staff,
        },
    )


@transaction.atomic
def collective_update(
    *,
    collective: CollectiveEngineering,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> CollectiveEngineering:
    """Edit a collective engineering; its structures' steps follow its consultant and theme."""
    set_fields(collective, data)
    collective.full_clean()
    save_versioned(collective, expected_version)
    collective.steps.update(provider=collective.provider, theme=collective.theme)
    return collective
