"""Writes of the accompaniment app. Every status change leaves a StatusChange row."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import (
    CLOSED_STATUSES,
    CollectiveAction,
    Holder,
    Meeting,
    Project,
    ProjectStatus,
    StatusChange,
)

STALE_MESSAGE = (
    "Cette fiche a été modifiée par quelqu'un d'autre pendant votre saisie. "
    "Rechargez la page pour voir sa version actuelle, puis refaites vos changements."
)


def _check_not_stale(model, pk: int, loaded_at: dt.datetime | None) -> None:
    """Refuse to overwrite a row changed since the form was loaded (two people editing)."""
    if loaded_at is None:
        return
    current = model.objects.select_for_update().filter(pk=pk).values_list("updated_at", flat=True)
    current = current.first()
    if current is not None and current != loaded_at:
        raise ValidationError(STALE_MESSAGE)


def _set_fields(instance, data: dict[str, Any]) -> None:
    for name, value in data.items():
        setattr(instance, name, value)


def holder_create(*, data: dict[str, Any]) -> Holder:
    holder = Holder()
    _set_fields(holder, data)
    holder.full_clean()
    holder.save()
    return holder


@transaction.atomic
def holder_update(
    *, holder: Holder, data: dict[str, Any], loaded_at: dt.datetime | None = None
) -> Holder:
    _check_not_stale(Holder, holder.pk, loaded_at)
    _set_fields(holder, data)
    holder.full_clean()
    holder.save()
    return holder


def _record_status(
    *, project: Project, status: str, on: dt.date, user, note: str = ""
) -> StatusChange:
    change = StatusChange(
        project=project, status=status, changed_on=on, changed_by=user, note=note[:300]
    )
    change.full_clean()
    change.save()
    return change


def _status_date(project: Project) -> dt.date:
    """The date a status was reached, taken from the project's own dates when they say it."""
    if project.status == ProjectStatus.RECEIVED:
        return project.received_on
    if project.status == ProjectStatus.ACCOMPANIED and project.started_on:
        return project.started_on
    if project.status in CLOSED_STATUSES and project.ended_on:
        return project.ended_on
    return timezone.localdate()


@transaction.atomic
def project_create(*, data: dict[str, Any], holders: Iterable[Holder], user) -> Project:
    project = Project()
    _set_fields(project, data)
    project.full_clean()
    project.save()
    project.holders.set(holders)
    _record_status(project=project, status=project.status, on=_status_date(project), user=user)
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    data: dict[str, Any],
    holders: Iterable[Holder],
    user,
    loaded_at: dt.datetime | None = None,
) -> Project:
    _check_not_stale(Project, project.pk, loaded_at)
    previous_status = Project.objects.values_list("status", flat=True).get(pk=project.pk)
    _set_fields(project, data)
    project.full_clean()
    project.save()
    project.holders.set(holders)
    if project.status != previous_status:
        _record_status(project=project, status=project.status, on=_status_date(project), user=user)
    return project


@transaction.atomic
def project_change_status(
    *, project: Project, status: str, on: dt.date, user, note: str = ""
) -> Project:
    """Move a project to a status on a date; starting sets started_on."""
    if status == ProjectStatus.ACCOMPANIED and not project.started_on:
        project.started_on = on
    project.status = status
    project.full_clean()
    project.save()
    _record_status(project=project, status=status, on=on, user=user, note=note)
    return project


@transaction.atomic
def project_close(
    *,
    project: Project,
    outcome: str,
    on: dt.date,
    user,
    created_on: dt.date | None = None,
    legal_form: str = "",
    jobs_created: int | None = None,
    partner: str = "",
    note: str = "",
) -> Project:
    """End the accompaniment as created, abandoned or redirected, with its outcome."""
    if outcome not in CLOSED_STATUSES:
        raise ValidationError({"outcome": "Issue inconnue."})
    project.status = outcome
    project.ended_on = on
    project.next_step, project.next_step_on = "", None
    if outcome == ProjectStatus.CREATED:
        project.created_on = created_on
        project.legal_form = legal_form
        project.jobs_created = jobs_created
    if outcome == ProjectStatus.REDIRECTED and partner:
        note = f"Réorienté vers {partner}" + (f" : {note}" if note else "")
    project.full_clean()
    project.save()
    _record_status(project=project, status=outcome, on=on, user=user, note=note)
    return project


def meeting_create(*, project: Project, data: dict[str, Any]) -> Meeting:
    meeting = Meeting(project=project)
    _set_fields(meeting, data)
    meeting.full_clean()
    meeting.save()
    return meeting


def meeting_update(*, meeting: Meeting, data: dict[str, Any]) -> Meeting:
    _set_fields(meeting, data)
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def action_create(*, data: dict[str, Any], attendees: Iterable[Holder]) -> CollectiveAction:
    action = CollectiveAction()
    _set_fields(action, data)
    action.full_clean()
    action.save()
    action.attendees.set(attendees)
    return action


@transaction.atomic
def action_update(
    *,
    action: CollectiveAction,
    data: dict[str, Any],
    attendees: Iterable[Holder],
    loaded_at: dt.datetime | None = None,
) -> CollectiveAction:
    _check_not_stale(CollectiveAction, action.pk, loaded_at)
    _set_fields(action, data)
    action.full_clean()
    action.save()
    action.attendees.set(attendees)
    return action
