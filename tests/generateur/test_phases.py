import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from generateur import selectors, services
from generateur.models import Phase, PhaseChange, TerritorialProject
from tests import factories

pytestmark = pytest.mark.django_db


def _create(staff, **data) -> TerritorialProject:
    territory = factories.TerritoryFactory()
    base = {"territory": territory, "name": "Tiers-lieu", "started_on": dt.date(2023, 3, 1)}
    return services.project_create(data={**base, **data}, user=staff)


def test_creating_a_project_records_its_first_phase_on_its_start_date(staff):
    project = _create(staff, phase=Phase.OPPORTUNITY)
    changes = list(project.phase_changes.values_list("phase", "changed_on", "changed_by"))
    assert changes == [(Phase.OPPORTUNITY, dt.date(2023, 3, 1), staff.pk)]


def test_changing_phase_records_the_date_the_note_and_who(staff):
    project = _create(staff)
    services.project_change_phase(
        project=project,
        phase=Phase.FEASIBILITY,
        on=dt.date(2023, 6, 15),
        note="Étude de marché lancée",
        user=staff,
    )
    project.refresh_from_db()
    assert project.phase == Phase.FEASIBILITY
    last = project.phase_changes.order_by("-changed_on").first()
    assert (last.phase, last.changed_on, last.note, last.changed_by) == (
        Phase.FEASIBILITY,
        dt.date(2023, 6, 15),
        "Étude de marché lancée",
        staff,
    )


def test_changing_to_the_same_phase_is_refused_and_records_nothing(staff):
    project = _create(staff)
    with pytest.raises(ValidationError):
        services.project_change_phase(
            project=project, phase=Phase.DETECTION, on=dt.date(2023, 6, 1), user=staff
        )
    assert project.phase_changes.count() == 1


@pytest.mark.parametrize(
    "on",
    [dt.date(2023, 2, 28), timezone.localdate() + dt.timedelta(days=1)],
    ids=["before", "future"],
)
def test_a_phase_change_dated_before_the_start_or_in_the_future_is_refused(staff, on):
    project = _create(staff)
    with pytest.raises(ValidationError):
        services.project_change_phase(project=project, phase=Phase.CREATION, on=on, user=staff)
    project.refresh_from_db()
    assert project.phase == Phase.DETECTION
    assert project.phase_changes.count() == 1


def test_editing_the_phase_in_the_project_form_records_it_today(staff):
    project = _create(staff)
    services.project_update(
        project=project, data={"phase": Phase.CREATION}, user=staff, expected_version=1
    )
    assert list(project.phase_changes.values_list("phase", "changed_on")) == [
        (Phase.DETECTION, dt.date(2023, 3, 1)),
        (Phase.CREATION, timezone.localdate()),
    ]


def test_editing_other_fields_records_no_phase_change(staff):
    project = _create(staff)
    services.project_update(project=project, data={"funders": "Région"}, user=staff)
    assert project.phase_changes.count() == 1


def test_a_stale_edit_is_refused_and_changes_nothing(staff):
    project = _create(staff)
    stale = TerritorialProject.objects.get(pk=project.pk)
    services.project_update(
        project=project, data={"name": "Premier"}, user=staff, expected_version=1
    )
    with pytest.raises(ValidationError):
        services.project_update(
            project=stale, data={"phase": Phase.CREATION}, user=staff, expected_version=1
        )
    fresh = TerritorialProject.objects.get(pk=project.pk)
    assert (fresh.name, fresh.phase) == ("Premier", Phase.DETECTION)
    assert PhaseChange.objects.filter(project=project).count() == 1


def test_phase_bar_marks_reached_phases_with_their_first_date(staff):
    project = _create(staff)
    services.project_change_phase(
        project=project, phase=Phase.FEASIBILITY, on=dt.date(2023, 5, 2), user=staff
    )
    bar = selectors.phase_bar(project)
    assert [s.state for s in bar.steps] == ["done", "done", "current", "todo", "todo"]
    assert bar.steps[0].reached_on == dt.date(2023, 3, 1)
    assert bar.steps[1].reached_on is None  # skipped over, still past it
    assert bar.steps[2].reached_on == dt.date(2023, 5, 2)
    assert not bar.abandoned


def test_phase_bar_of_an_abandoned_project_keeps_what_it_reached_and_shows_the_abandon_apart(
    staff,
):
    project = _create(staff)
    services.project_change_phase(
        project=project, phase=Phase.OPPORTUNITY, on=dt.date(2023, 4, 1), user=staff
    )
    services.project_change_phase(
        project=project, phase=Phase.ABANDONED, on=dt.date(2023, 9, 1), user=staff
    )
    bar = selectors.phase_bar(project)
    assert [s.state for s in bar.steps] == ["done", "done", "todo", "todo", "todo"]
    assert bar.abandoned and bar.abandoned_on == dt.date(2023, 9, 1)


def test_timeline_mixes_actions_and_phase_changes_newest_first(staff):
    project = _create(staff)
    factories.TerritorialActionFactory(project=project, date=dt.date(2023, 4, 1))
    services.project_change_phase(
        project=project, phase=Phase.OPPORTUNITY, on=dt.date(2023, 5, 1), user=staff
    )
    factories.TerritorialActionFactory(project=project, date=dt.date(2023, 6, 1))
    entries = [(e.on, e.kind) for e in selectors.timeline(project)]
    assert entries == [
        (dt.date(2023, 6, 1), "action"),
        (dt.date(2023, 5, 1), "phase"),
        (dt.date(2023, 4, 1), "action"),
        (dt.date(2023, 3, 1), "phase"),
    ]
