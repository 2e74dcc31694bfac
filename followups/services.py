"""Writes of the follow-ups: an answer recorded once, corrected without overwriting another's."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accompaniment.models import Project, ProjectStatus
from dla.models import Step
from pes21.concurrency import save_versioned
from pes21.services import set_fields

from .models import FollowUp, Outcome, add_years, schedule

ALREADY_ANSWERED = "Ce suivi a déjà été renseigné : modifiez-le plutôt que de le saisir à nouveau."


def _normalise(follow_up: FollowUp) -> None:
    # A stopped structure has no jobs left: zero, so the sums never count a stale figure.
    if follow_up.outcome == Outcome.STOPPED:
        follow_up.headcount, follow_up.fte = 0, 0


def _reference_on(*, project: Project | None, engineering: Step | None):
    if project is not None:
        if project.status != ProjectStatus.CREATED or project.created_on is None:
            raise ValidationError("Seul un projet créé, avec sa date de création, a des suivis.")
        return project.created_on
    if engineering is None or not engineering.is_engineering:
        raise ValidationError("Un suivi DLA porte sur une ingénierie.")
    return engineering.finished_on


def follow_up_prepare(follow_up: FollowUp) -> None:
    """What every new answer gets, typed or imported: its due date from what it follows, and
    no jobs left for a stopped structure. Refuses a year off the schedule, or a target that
    has no follow-ups."""
    if follow_up.years_after not in schedule():
        raise ValidationError("Ce suivi ne fait pas partie du calendrier des suivis.")
    reference_on = _reference_on(project=follow_up.project, engineering=follow_up.engineering)
    follow_up.due_on = add_years(reference_on, follow_up.years_after)
    _normalise(follow_up)


@transaction.atomic
def follow_up_record(
    *,
    years_after: int,
    data: dict[str, Any],
    user,
    project: Project | None = None,
    engineering: Step | None = None,
) -> FollowUp:
    """Record the answer to the follow-up due `years_after` years after the reference date."""
    follow_up = FollowUp(
        project=project, engineering=engineering, years_after=years_after, answered_by=user
    )
    set_fields(follow_up, data)
    follow_up_prepare(follow_up)
    follow_up.full_clean(validate_constraints=False)
    if (
        FollowUp.objects.filter(project=project, engineering=engineering)
        .filter(years_after=years_after)
        .exists()
    ):
        raise ValidationError(ALREADY_ANSWERED)
    try:
        with transaction.atomic():
            follow_up.save()
    except IntegrityError:  # the same answer sent by someone else in the same instant
        raise ValidationError(ALREADY_ANSWERED) from None
    return follow_up


@transaction.atomic
def follow_up_update(
    *, follow_up: FollowUp, data: dict[str, Any], user, expected_version: int | None = None
) -> FollowUp:
    set_fields(follow_up, data)
    follow_up.answered_by = user
    _normalise(follow_up)
    follow_up.full_clean(validate_constraints=False)
    save_versioned(follow_up, expected_version)
    return follow_up
