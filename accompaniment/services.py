"""Writes of the accompaniment app. Every status change leaves a StatusChange row, and a
project that closes ends what hangs on it, whichever door closed it
(`project_statuses_record`)."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from pes21.bulk import insert_records
from pes21.concurrency import save_versioned
from pes21.services import set_fields

from .models import (
    CLOSED_STATUSES,
    CollectiveAction,
    Holder,
    Meeting,
    Project,
    ProjectStatus,
    StatusChange,
)
from .selectors import contacts_by_holder, holder_own_contact
from .signals import project_closed


# Atomic: between its first UPDATE and its last, a holder's stored date is only their own
# record's, which the retention page would read as « no contact since ».
@transaction.atomic
def holders_last_contact_refresh(*, holder_ids: Iterable[int] | None = None) -> None:
    """Store the holders' last contact (selectors.holders_with_last_contact's rule).

    Called by every write that moves a holder's dates (this module, the import's writer, the
    demo); None refreshes every holder (after an import). Each holder first takes their own
    record's date, then each kind of contact raises it where later: four UPDATEs whatever the
    number of holders, none a subquery per holder (which PostgreSQL may plan as a scan per
    holder on tables an import has just filled: test_seed_demo once ran 40 minutes so).
    """
    holders = Holder.objects.all()
    if holder_ids is not None:
        holder_ids = {pk for pk in holder_ids if pk is not None}
        if not holder_ids:
            return
        holders = holders.filter(pk__in=holder_ids)
    holders.update(last_contact_on=holder_own_contact())
    table = connection.ops.quote_name(Holder._meta.db_table)
    pk = connection.ops.quote_name(Holder._meta.pk.column)
    # Every holder at once (after an import, the demo): PostgreSQL plans the joins from
    # statistics taken before the transaction filled the tables, and chose nested loops of
    # scans that ran for most of an hour on two thousand holders. Hash joins are the right plan
    # for whole tables; a few holders (a form) keep the planner's index lookups.
    whole_tables = holder_ids is None and connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if whole_tables:
            cursor.execute("SET LOCAL enable_nestloop = off")
        try:
            for rows in contacts_by_holder(holder_ids):
                sql, params = rows.query.sql_with_params()
                cursor.execute(
                    f"UPDATE {table} SET last_contact_on = contact.last "  # noqa: S608 - names
                    f"FROM ({sql}) AS contact WHERE {table}.{pk} = contact.holder "
                    f"AND contact.last > {table}.last_contact_on",
                    params,
                )
        finally:
            if whole_tables:
                cursor.execute("SET LOCAL enable_nestloop = on")


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


def project_statuses_record(
    *,
    moves: Iterable[tuple[Project, str | None]],
    user,
    note: str = "",
    on: dt.date | None = None,
) -> None:
    """What a project reaching a status leaves, once saved, by every door (forms, « Clôturer »,
    the import): a line of its status history, dated `on` or by `project_status_date`; and,
    for a project that existed before (`moves` pairs each project with its previous status,
    None when new) and is now closed, `project_closed`, so the volunteers' app closes its
    cases with a note. Its next step is already gone: `Project.clean` clears it."""
    today = timezone.localdate()
    dated = [
        (project, previous, on or project_status_date(project, today=today))
        for project, previous in moves
    ]
    insert_records(
        StatusChange,
        [
            StatusChange(
                project=project,
                status=project.status,
                changed_on=day,
                changed_by=user,
                note=note[:300],
            )
            for project, _, day in dated
        ],
    )
    for project, previous, day in dated:
        # A new project has no case yet: nothing hangs on it.
        if previous is not None and project.is_closed:
            project_closed.send(sender=Project, project=project, user=user, on=day)


@transaction.atomic
def project_create(*, data: dict[str, Any], holders: Iterable[Holder], user) -> Project:
    project = Project()
    set_fields(project, data)
    project.full_clean()
    project.save()
    project.holders.set(holders)
    project_statuses_record(moves=[(project, None)], user=user)
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
        project_statuses_record(moves=[(project, previous_status)], user=user)
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
    previous_status = project.status
    if status == ProjectStatus.ACCOMPANIED and not project.started_on:
        project.started_on = on
    project.status = status
    project.full_clean()
    save_versioned(project, expected_version)
    project_statuses_record(moves=[(project, previous_status)], user=user, note=note, on=on)
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
    """End the accompaniment as created, abandoned or redirected, with its outcome. What any
    closing does follows (next step cleared, volunteers' cases closed: `Project.clean`,
    `project_statuses_record`)."""
    if outcome not in CLOSED_STATUSES:
        raise ValidationError({"outcome": "Issue inconnue."})
    previous_status = project.status
    project.status = outcome
    project.ended_on = on
    if outcome == ProjectStatus.CREATED:
        project.created_on = created_on
        project.legal_form = legal_form
        project.jobs_created = jobs_created
    if outcome == ProjectStatus.REDIRECTED and partner:
        note = f"Réorienté vers {partner}" + (f" : {note}" if note else "")
    project.full_clean()
    save_versioned(project, expected_version)
    project_statuses_record(moves=[(project, previous_status)], user=user, note=note, on=on)
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


def _check_attendees(action: CollectiveAction, attendees: list[Holder]) -> None:
    """The holders ticked as present are among the participants counted."""
    if action.participants is not None and action.participants < len(attendees):
        raise ValidationError(
            {
                "participants": f"{len(attendees)} porteurs présents sont cochés : "
                "le nombre de participants ne peut pas être inférieur."
            }
        )


@transaction.atomic
def action_create(*, data: dict[str, Any], attendees: Iterable[Holder]) -> CollectiveAction:
    attendees = list(attendees)
    action = CollectiveAction()
    set_fields(action, data)
    action.full_clean()
    _check_attendees(action, attendees)
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
    attendees = list(attendees)
    previous_attendees = list(action.attendees.values_list("pk", flat=True))
    set_fields(action, data)
    action.full_clean()
    _check_attendees(action, attendees)
    save_versioned(action, expected_version)
    action.attendees.set(attendees)
    _contacts_moved(action.attendees, previous_attendees)
    return action
