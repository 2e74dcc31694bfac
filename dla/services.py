"""Writes of the DLA app: structures, consultants, steps of the path, collective engineerings.

Every write runs full_clean() first; an edit is saved only if nobody saved the same record
since the form was shown (pes21.concurrency), so two people editing never lose a change.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pes21.concurrency import save_versioned
from pes21.services import set_fields

from .models import (
    CollectiveEngineering,
    Provider,
    Step,
    StepKind,
    Structure,
)

# A diagnosis may span weeks, so every kind may carry an end; these belong to engineerings.
ENGINEERING_ONLY_FIELDS = ("provider", "days", "cost_eur", "theme")
ONLY_FOR_ENGINEERING = "Ce champ ne concerne que les ingénieries."
REQUIRED_FOR_ENGINEERING = "Ce champ est obligatoire pour une ingénierie."
MIN_COLLECTIVE_STRUCTURES = 2


# --- Structures -----------------------------------------------------------------------------


def _check_siret_free(structure: Structure) -> None:
    """One SIRET, one structure: a second record would split its path and double its jobs."""
    if not structure.siret:
        return
    other = Structure.objects.filter(siret=structure.siret).exclude(pk=structure.pk).first()
    if other is not None:
        raise ValidationError(
            {"siret": f"Ce SIRET est déjà celui de la structure « {other.name} »."},
            code="siret_taken",
        )


ESUS_YEARS = 5


def _esus_expiry(obtained: dt.date) -> dt.date:
    """The agrément lasts five years; one obtained on 29 February ends on 28 February."""
    try:
        return obtained.replace(year=obtained.year + ESUS_YEARS)
    except ValueError:
        return obtained.replace(year=obtained.year + ESUS_YEARS, day=28)


def _check_structure(structure: Structure) -> None:
    if structure.esus_obtained_on and not structure.esus_expires_on:
        structure.esus_expires_on = _esus_expiry(structure.esus_obtained_on)
    structure.full_clean()
    _check_siret_free(structure)
    if structure.esus_expires_on and not structure.esus_obtained_on:
        raise ValidationError(
            {"esus_obtained_on": "Indiquez la date d'obtention de l'agrément ESUS."}
        )
    if (
        structure.esus_obtained_on
        and structure.esus_expires_on
        and structure.esus_expires_on < structure.esus_obtained_on
    ):
        raise ValidationError(
            {"esus_expires_on": "L'agrément ESUS ne peut pas expirer avant d'avoir été obtenu."}
        )


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


def _check_step(step: Step, *, today: dt.date) -> None:
    """The kind decides which fields matter; refuse what does not fit it, in French.

    Whether a step belongs to a collective engineering is the model's rule (Step.clean),
    shared with the import.
    """
    errors: dict[str, list[str]] = {}
    if step.date and step.date > today:
        errors["date"] = ["Une étape s'enregistre une fois commencée : cette date est à venir."]
    if step.ended_on and step.date and step.ended_on < step.date:
        errors["ended_on"] = ["La fin ne peut pas précéder la date de l'étape."]
    if step.kind == StepKind.INDIVIDUAL_ENGINEERING:
        for name in ENGINEERING_ONLY_FIELDS:
            if getattr(step, name) in (None, ""):
                errors.setdefault(name, [REQUIRED_FOR_ENGINEERING])
    elif step.kind == StepKind.COLLECTIVE_ENGINEERING:
        if (
            step.collective_id
            and Step.objects.filter(structure=step.structure_id, collective=step.collective_id)
            .exclude(pk=step.pk)
            .exists()
        ):
            errors["collective"] = ["Cette structure participe déjà à cette ingénierie collective."]
    elif step.kind:
        for name in ENGINEERING_ONLY_FIELDS:
            if getattr(step, name) not in (None, ""):
                errors[name] = [ONLY_FOR_ENGINEERING]
    try:
        step.full_clean()
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, messages)
    if errors:
        raise ValidationError(errors)


def _fill_from_collective(step: Step) -> None:
    """A structure's part of a collective engineering carries its consultant and theme."""
    if step.kind != StepKind.COLLECTIVE_ENGINEERING or not step.collective_id:
        return
    collective = step.collective
    step.provider = collective.provider
    step.theme = step.theme or collective.theme
    if not step.ended_on and collective.ended_on and collective.ended_on >= step.date:
        step.ended_on = collective.ended_on


def step_record(
    *, structure: Structure, data: dict[str, Any], today: dt.date | None = None
) -> Step:
    """Add one step to a structure's path."""
    step = Step(structure=structure)
    set_fields(step, data)
    _fill_from_collective(step)
    _check_step(step, today=today or timezone.localdate())
    step.save()
    return step


@transaction.atomic
def step_update(
    *,
    step: Step,
    data: dict[str, Any],
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Step:
    set_fields(step, data)
    _fill_from_collective(step)
    _check_step(step, today=today or timezone.localdate())
    save_versioned(step, expected_version)
    return step


def step_delete(*, step: Step) -> None:
    step.delete()


# --- Collective engineerings ----------------------------------------------------------------


def _check_collective(collective: CollectiveEngineering) -> None:
    collective.full_clean()
    if (
        collective.started_on
        and collective.ended_on
        and collective.ended_on < collective.started_on
    ):
        raise ValidationError({"ended_on": "La fin ne peut pas précéder le début."})


@transaction.atomic
def collective_create(
    *,
    data: dict[str, Any],
    structures: Iterable[Structure],
    days_per_structure: Decimal | None,
    cost_per_structure: Decimal | None,
    staff,
    today: dt.date | None = None,
) -> CollectiveEngineering:
    """Create a collective engineering and one step for each structure taking part."""
    structures = list(structures)
    if len(structures) < MIN_COLLECTIVE_STRUCTURES:
        raise ValidationError(
            {"structures": "Une ingénierie collective réunit au moins deux structures."}
        )
    today = today or timezone.localdate()
    collective = CollectiveEngineering()
    set_fields(collective, data)
    _check_collective(collective)
    if not collective.started_on:
        raise ValidationError({"started_on": "Indiquez la date de début."})
    if collective.started_on > today:
        raise ValidationError(
            {"started_on": "Une ingénierie s'enregistre une fois commencée : ce début est à venir."}
        )
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
                today=today,
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
    today: dt.date | None = None,
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
        today=today,
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
    _check_collective(collective)
    save_versioned(collective, expected_version)
    collective.steps.update(provider=collective.provider, theme=collective.theme)
    return collective
