"""Writes of the Générateur. Every change of a project's phase leaves a PhaseChange row,
dated by one rule whatever the door (`phase_reached_on`)."""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from pes21.bulk import insert_records
from pes21.concurrency import save_versioned
from pes21.services import set_fields

from .models import Phase, PhaseChange, TerritorialAction, TerritorialProject, Territory

# The phases that end a project: reached on its end date when it has one.
CLOSING_PHASES = (Phase.ABANDONED, Phase.HAND_OVER)


def territory_twins(territories: Sequence[Territory]) -> dict[int, dict[str, str]]:
    """One territory once: the same kind and code (or, without a code, the same name) is the
    same place, and the figures by territory would split it in two.

    For each territory of the list (by position) with a twin saved, or earlier in the list:
    the French message, on the code (or the name). One query, whatever the length."""

    def key(territory: Territory) -> tuple:
        if territory.insee_code:
            return (territory.kind, "code", territory.insee_code)
        return (territory.kind, "name", territory.name.strip().lower())

    keys = [key(territory) for territory in territories]
    wanted = Q()
    for kind, by, value in set(keys):
        wanted |= Q(kind=kind, insee_code=value) if by == "code" else Q(kind=kind, lowered=value)
    own = [territory.pk for territory in territories if territory.pk is not None]
    saved = (
        Territory.objects.annotate(lowered=Lower("name"))
        .filter(wanted)
        .exclude(pk__in=own)
        .order_by("pk")
    )
    twins = {}
    for twin in saved:
        for candidate in (key(twin), (twin.kind, "name", twin.name.strip().lower())):
            twins.setdefault(candidate, twin.name)
    refused = {}
    for position, (territory, wanted_key) in enumerate(zip(territories, keys, strict=True)):
        if wanted_key in twins:
            field = "insee_code" if territory.insee_code else "name"
            refused[position] = {field: f"Ce territoire existe déjà : {twins[wanted_key]}."}
        else:
            twins[wanted_key] = territory.name
    return refused


def _check_territory(territory: Territory) -> None:
    territory.full_clean()
    refused = territory_twins([territory])
    if refused:
        raise ValidationError(refused[0])


def territory_create(*, data: dict[str, Any]) -> Territory:
    territory = Territory()
    set_fields(territory, data)
    _check_territory(territory)
    territory.save()
    return territory


@transaction.atomic
def territory_update(
    *, territory: Territory, data: dict[str, Any], expected_version: int | None = None
) -> Territory:
    set_fields(territory, data)
    _check_territory(territory)
    save_versioned(territory, expected_version)
    return territory


def phase_reached_on(
    project: TerritorialProject, *, new: bool, today: dt.date | None = None
) -> dt.date:
    """The date a project reached its phase, for the forms and the import alike: a closing
    phase (abandonment, hand-over) on the project's end when it has one; else a new
    project's phase on its start, a phase changed by an edit on the day of the edit."""
    if project.phase in CLOSING_PHASES and project.ended_on:
        return project.ended_on
    return project.started_on if new else today or timezone.localdate()


def project_phases_record(
    *,
    moves: Iterable[tuple[TerritorialProject, bool]],
    user,
    note: str = "",
    on: dt.date | None = None,
) -> None:
    """A line of each project's phase history, once saved: `moves` pairs each project with
    whether it is new; dated `on`, or by `phase_reached_on`."""
    today = timezone.localdate()
    insert_records(
        PhaseChange,
        [
            PhaseChange(
                project=project,
                phase=project.phase,
                changed_on=on or phase_reached_on(project, new=new, today=today),
                changed_by=user,
                note=note[:300],
            )
            for project, new in moves
        ],
    )


@transaction.atomic
def project_create(*, data: dict[str, Any], user) -> TerritorialProject:
    """Create a project; its first phase enters its history (`phase_reached_on`)."""
    project = TerritorialProject()
    set_fields(project, data)
    project.full_clean()
    project.save()
    project_phases_record(moves=[(project, True)], user=user)
    return project


@transaction.atomic
def project_update(
    *,
    project: TerritorialProject,
    data: dict[str, Any],
    user,
    expected_version: int | None = None,
) -> TerritorialProject:
    """Save the edit form; a phase changed there enters the history (`phase_reached_on`)."""
    previous_phase = TerritorialProject.objects.values_list("phase", flat=True).get(pk=project.pk)
    set_fields(project, data)
    project.full_clean()
    save_versioned(project, expected_version)
    if project.phase != previous_phase:
        project_phases_record(moves=[(project, False)], user=user)
    return project


@transaction.atomic
def project_change_phase(
    *,
    project: TerritorialProject,
    phase: str,
    on: dt.date,
    user,
    note: str = "",
    expected_version: int | None = None,
) -> PhaseChange:
    """Move a project to `phase` on date `on`, with the reason; the same phase is refused."""
    if phase == project.phase:
        raise ValidationError(
            {"phase": f"Le projet est déjà en phase « {project.get_phase_display()} »."}
        )
    if on < project.started_on:
        raise ValidationError(
            {"on": "Cette date précède le début du projet ; vérifiez-la ou corrigez le début."}
        )
    if on > timezone.localdate():
        raise ValidationError({"on": "Un changement de phase ne peut pas être daté du futur."})
    project.phase = phase
    project.full_clean()
    save_versioned(project, expected_version)
    project_phases_record(moves=[(project, False)], user=user, note=note, on=on)
    return project.phase_changes.latest("pk")


def action_create(*, project: TerritorialProject, data: dict[str, Any]) -> TerritorialAction:
    action = TerritorialAction(project=project)
    set_fields(action, data)
    action.full_clean()
    action.save()
    return action


def action_update(*, action: TerritorialAction, data: dict[str, Any]) -> TerritorialAction:
    set_fields(action, data)
    action.full_clean()
    action.save()
    return action


def action_delete(*, action: TerritorialAction) -> None:
    action.delete()
