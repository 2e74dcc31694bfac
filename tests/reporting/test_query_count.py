"""The report's figures for several years come from the same queries whatever their number."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dla.models import StepKind
from reporting.selectors import Period, contract_figures, history
from tests.factories import (
    CollectiveActionFactory,
    ProjectFactory,
    StepFactory,
    TerritorialProjectFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db

YEAR = 2025


def _activity(year: int) -> None:
    ProjectFactory(received_on=dt.date(year, 2, 1))
    StepFactory(kind=StepKind.RECEPTION, date=dt.date(year, 3, 1))
    StepFactory(kind=StepKind.INDIVIDUAL_ENGINEERING, date=dt.date(year, 4, 1))
    CollectiveActionFactory(date=dt.date(year, 5, 1))
    TerritorialProjectFactory(started_on=dt.date(year, 6, 1))
    VolunteerFactory(joined_on=dt.date(year, 7, 1))


def _queries(func) -> int:
    with CaptureQueriesContext(connection) as queries:
        func()
    return len(queries)


def test_history_makes_the_same_queries_for_two_and_five_years():
    for year in range(YEAR - 4, YEAR + 1):
        _activity(year)
    assert _queries(lambda: history(YEAR, years=2)) == _queries(lambda: history(YEAR, years=5))


def test_report_page_makes_the_same_queries_with_two_and_five_years_of_history(staff_client):
    url = reverse("reporting:report", args=[YEAR])
    for year in (YEAR - 1, YEAR):
        _activity(year)
    two_years = _queries(lambda: staff_client.get(url))
    for year in range(YEAR - 4, YEAR - 1):
        _activity(year)
    assert _queries(lambda: staff_client.get(url)) == two_years


def test_history_gives_each_year_its_own_figures():
    for year in range(YEAR - 4, YEAR + 1):
        _activity(year)
    ProjectFactory(received_on=dt.date(YEAR - 2, 9, 1))  # one more in a single year
    rows = {row["year"]: row for row in history(YEAR)}
    for year, row in rows.items():
        alone = contract_figures(Period(year))
        assert row["creation.projets_accueillis"] == alone["creation"]["projets_accueillis"]
        assert row["dla.structures_accueillies"] == alone["dla"]["structures_accueillies"]
    assert rows[YEAR - 2]["creation.projets_accueillis"] == 2
    assert rows[YEAR - 1]["creation.projets_accueillis"] == 1
