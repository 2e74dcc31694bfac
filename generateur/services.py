"""Writes of the Générateur. Every change of a project's phase leaves a PhaseChange row."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pes21.concurrency import save_versioned
from pes21.services import set_fields

from .models import PhaseChange, TerritorialAction, TerritorialProject, Territory


def territory_create(*, data: dict[str, Any]) -> Territory:
    territory = Territory()
    set_fields(territory, data)
    territory.full_clean()
    territory.save()
    return territory


@transaction.atomic
def territory_update(
    *, territory: Territory, data: dict[str, Any], expected_version: int | None = None
) -> Territory:
    set_fields(territory, data)
    territory.full_clean()
    save_versioned(territory, expected_version)
    return territory


def _record_phase(*, project: TerritorialProject, on: dt.date, user, note: str = "") -> PhaseChange:
    change = PhaseChange(
        project=project, phase=project.phase, changed_on=on, changed_by=user, note=note[:300]
    )
    change.full_clean()
    change.save()
    return change


@transaction.atomic
def project_create(*, data: dict[str, Any], user) -> TerritorialProject:
    """Create a project; its first phase is recorded as reached on its start date."""
    project = TerritorialProject()
    set_fields(project, data)
    project.full_clean()
    project.save()
    _record_phase(project=project, on=project.started_on, user=user)
    return project


@transaction.atomic
def project_update(
    *,
    project: TerritorialProject,
    data: dict[str, Any],
    user,
    expected_version: int | None = None,
) -> TerritorialProject:
    """Save the edit form; a phase changed there is recorded as changed today."""
    previous_phase = TerritorialProject.objects.values_list("phase", flat=True).get(pk=project.pk)
    set_fields(project, data)
    project.full_clean()
    save_versioned(project, expected_version)
    if project.phase != previous_phase:
        _record_phase(project=project, on=timezone.localdate(), user=user)
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
    return _record_phase(project=project, on=on, user=user, note=note)


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
