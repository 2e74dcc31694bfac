"""Writes of the accompaniment app. Every status change leaves a StatusChange row."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pes21.concurrency import save_versioned
from pes21.services import set_fields
from privacy.services import holders_last_contact_refresh

from .models import (
    CLOSED_STATUSES,
    CollectiveAction,
    Holder,
    Meeting,
    Project,
    ProjectStatus,
    StatusChange,
)
from .signals import project_closed


def _contacts_moved(holders, previous_ids: Iterable[int] = ()) -> None:
    """The holders whose last contact a write may have moved (those it removed too)."""
    ids = set(holders.values_list("pk", flat=True)) | set(previous_ids)
    holders_last_contact_refresh(holder_ids=ids)


def holder_create(*, data: dict[str, Any]) -> Holder:
    holder = Holder()
    set_fields(holder, data)
    holder.full_clean()
    holder.save()
    holders_last_contact_refresh(holder_ids=[holder.pk])
    return holder


@transaction.atomic
def holder_update(
    *, holder: Holder, data: dict[str, Any], expected_version: int | None = None
) -> Holder:
    set_fields(holder, data)
    holder.full_clean()
    save_versioned(holder, expected_version)
    holders_last_contact_refresh(holder_ids=[holder.pk])
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


def project_status_date(project: Project, *, today: dt.date | None = None) -> dt.date:
    """The date a project reached its status: the project's own date for it, else today.

    One rule for the forms and the import (exchange.writing): received on `received_on`,
    accompanied on `started_on`, created on `ended_on` (else the structure's `created_on`),
    abandoned or redirected on `ended_on`.
    """
    candidates = {
        ProjectStatus.RECEIVED: [project.received_on],
        ProjectStatus.ACCOMPANIED: [project.started_on],
        ProjectStatus.CREATED: [project.ended_on, project.created_on],
    }.get(project.status, [project.ended_on])
    return next((on for on in candidates if on), None) or today or timezone.localdate()


@transaction.atomic
def project_create(*, data: dict[str, Any], holders: Iterable[Holder], user) -> Project:
    project = Project()
    set_fields(project, data)
    project.full_clean()
    project.save()
    project.holders.set(holders)
    _record_status(
        project=project, status=project.status, on=project_status_date(project), user=user
    )
    _contacts_moved(project.holders)
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    data: dict[str, Any],
    holders: Iterable[Holder],
    user,
    expected_version: int | None = None,
) -> Project:
    previous_status = Project.objects.values_list("status", flat=True).get(pk=project.pk)
    previous_holders = list(project.holders.values_list("pk", flat=True))
    set_fields(project, data)
    project.full_clean()
    save_versioned(project, expected_version)
    project.holders.set(holders)
    _contacts_moved(project.holders, previous_holders)
    if project.status != previous_status:
        _record_status(
            project=project, status=project.status, on=project_status_date(project), user=user
        )
    return project


@transaction.atomic
def project_change_status(
    *,
    project: Project,
    status: str,
    on: dt.date,
    user,
    note: str = "",
    expected_version: int | None = None,
) -> Project:
    """Move a project to a status on a date; starting sets started_on."""
    if status == ProjectStatus.ACCOMPANIED and not project.started_on:
        project.started_on = on
    project.status = status
    project.full_clean()
    save_versioned(project, expected_version)
    _record_status(project=project, status=status, on=on, user=user, note=note)
    _contacts_moved(project.holders)
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
    expected_version: int | None = None,
) -> Project:
    """End the accompaniment as created, abandoned or redirected, with its outcome. Its next step
    is cleared, and `project_closed` lets the volunteers' app close the project's cases."""
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
    save_versioned(project, expected_version)
    _record_status(project=project, status=outcome, on=on, user=user, note=note)
    project_closed.send(sender=Project, project=project, user=user, on=on)
    _contacts_moved(project.holders)
    return project


@transaction.atomic
def meeting_create(
    *,
    project: Project,
    data: dict[str, Any],
    next_step: str = "",
    next_step_on: dt.date | None = None,
) -> Meeting:
    """Record a meeting; a next step given with it replaces the project's."""
    meeting = Meeting(project=project)
    set_fields(meeting, data)
    meeting.full_clean()
    meeting.save()
    if next_step or next_step_on:
        project.next_step, project.next_step_on = next_step, next_step_on
        project.full_clean()
        project.save()
    _contacts_moved(project.holders)
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, data: dict[str, Any], expected_version: int | None = None
) -> Meeting:
    set_fields(meeting, data)
    meeting.full_clean()
    save_versioned(meeting, expected_version)
    _contacts_moved(meeting.project.holders)
    return meeting


@transaction.atomic
def action_create(*, data: dict[str, Any], attendees: Iterable[Holder]) -> CollectiveAction:
    action = CollectiveAction()
    set_fields(action, data)
    action.full_clean()
    action.save()
    action.attendees.set(attendees)
    _contacts_moved(action.attendees)
    return action


@transaction.atomic
def action_update(
    *,
    action: CollectiveAction,
    data: dict[str, Any],
    attendees: Iterable[Holder],
    expected_version: int | None = None,
) -> CollectiveAction:
    previous_attendees = list(action.attendees.values_list("pk", flat=True))
    set_fields(action, data)
    action.full_clean()
    save_versioned(action, expected_version)
    action.attendees.set(attendees)
    _contacts_moved(action.attendees, previous_attendees)
    return action
