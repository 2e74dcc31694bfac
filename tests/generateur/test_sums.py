import datetime as dt

import pytest

from generateur import selectors
from generateur.models import TerritorialProject
from tests import factories

pytestmark = pytest.mark.django_db


def _action(project, date, participants):
    return factories.TerritorialActionFactory(project=project, date=date, participants=participants)


@pytest.fixture
def two_projects():
    first = factories.TerritorialProjectFactory(started_on=dt.date(2022, 1, 1))
    second = factories.TerritorialProjectFactory(started_on=dt.date(2022, 1, 1))
    _action(first, dt.date(2022, 12, 31), 10)
    _action(first, dt.date(2023, 1, 1), 7)
    _action(first, dt.date(2023, 6, 1), None)  # unknown count: an action, no participants
    _action(second, dt.date(2023, 3, 1), 25)
    return first, second


def test_actions_summary_by_year_splits_on_the_first_of_january(two_projects):
    first, _ = two_projects
    assert selectors.actions_summary_by_year(first) == [
        {"year": 2022, "actions": 1, "participants": 10},
        {"year": 2023, "actions": 2, "participants": 7},
    ]


def test_project_totals_add_every_action_of_that_project_only(two_projects):
    first, second = two_projects
    totals = selectors.project_totals(first)
    assert (totals["actions"], totals["participants"]) == (3, 17)
    assert (totals["first"], totals["last"]) == (dt.date(2022, 12, 31), dt.date(2023, 6, 1))
    assert selectors.project_totals(second)["participants"] == 25


def test_project_without_action_sums_to_zero():
    project = factories.TerritorialProjectFactory()
    totals = selectors.project_totals(project)
    assert (totals["actions"], totals["participants"]) == (0, 0)
    assert selectors.actions_summary_by_year(project) == []


def test_list_totals_match_the_per_project_totals(two_projects):
    first, second = two_projects
    rows = {p.pk: p for p in TerritorialProject.objects.with_action_totals()}
    for project in (first, second):
        totals = selectors.project_totals(project)
        assert rows[project.pk].action_count == totals["actions"]
        assert rows[project.pk].participant_total == totals["participants"]


def test_totals_by_year_counts_projects_with_actions_in_each_year(two_projects):
    assert selectors.totals_by_year() == [
        {"year": 2023, "actions": 3, "participants": 32, "projects": 2},
        {"year": 2022, "actions": 1, "participants": 10, "projects": 1},
    ]
