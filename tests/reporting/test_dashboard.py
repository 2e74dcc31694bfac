"""The dashboard: the year to date against the same date last year, and each one's workload."""

import datetime as dt

import pytest
from django.urls import reverse

from dla.models import StepKind
from reporting.selectors import dashboard_figures, staff_workload
from tests.factories import ProjectFactory, StepFactory, staff_user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 15)


def test_year_to_date_is_compared_with_the_same_date_last_year():
    ProjectFactory(received_on=dt.date(2026, 3, 15))
    ProjectFactory(received_on=dt.date(2025, 3, 15))
    ProjectFactory(received_on=dt.date(2025, 3, 16))  # after the same date last year
    ProjectFactory(received_on=dt.date(2025, 3, 1))
    figures = dashboard_figures(TODAY)
    assert figures["current"]["creation"]["projets_accueillis"] == 1
    assert figures["previous"]["creation"]["projets_accueillis"] == 2
    assert figures["previous"]["period"].end == dt.date(2025, 3, 15)


def test_workload_counts_open_cases_and_next_steps_due_per_person(staff):
    other = staff_user(username="equipe2")
    ProjectFactory(referent=staff, status="accompagne", next_step_on=TODAY)
    ProjectFactory(referent=staff, status="accueilli", next_step_on=TODAY + dt.timedelta(days=60))
    ProjectFactory(referent=staff, status="cree", created_on=TODAY, next_step_on=TODAY)  # closed
    ProjectFactory(referent=other, status="accompagne", next_step_on=TODAY - dt.timedelta(days=3))
    rows = {row["user"]: row for row in staff_workload(TODAY)}
    assert rows[staff]["open_projects"] == 2
    assert rows[staff]["next_steps_due"] == 1
    assert rows[other]["open_projects"] == 1
    assert rows[other]["next_steps_due"] == 1


def test_dashboard_lists_follow_ups_due_per_person(staff_client, staff):
    today = dt.date.today()
    due = StepFactory(
        kind=StepKind.INDIVIDUAL_ENGINEERING,
        date=today - dt.timedelta(days=300),
        ended_on=today - dt.timedelta(days=240),  # about eight months ago
        staff=staff,
    )
    recent = StepFactory(
        kind=StepKind.INDIVIDUAL_ENGINEERING,
        date=today - dt.timedelta(days=60),
        ended_on=today - dt.timedelta(days=30),
        staff=staff,
    )
    response = staff_client.get(reverse("reporting:dashboard"))
    page = response.content.decode()
    assert due.structure.name in page
    assert recent.structure.name not in page
    rows = {row["user"]: row for row in response.context["workload"]}
    assert rows[staff]["follow_ups_due"] == 1


@pytest.mark.parametrize("size", [3, 30])
def test_dashboard_queries_do_not_grow_with_the_cases(
    staff_client, staff, size, django_assert_max_num_queries
):
    for index in range(size):
        ProjectFactory(
            referent=staff_user(username=f"e{index}"),
            status="accompagne",
            next_step_on=dt.date.today(),
        )
    with django_assert_max_num_queries(40):
        assert staff_client.get(reverse("reporting:dashboard")).status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_report_page_queries_do_not_grow_with_the_records(
    director_client, size, django_assert_max_num_queries
):
    for _ in range(size):
        ProjectFactory(received_on=dt.date(2022, 3, 1))
        StepFactory(kind=StepKind.RECEPTION, date=dt.date(2022, 3, 1))
    with django_assert_max_num_queries(90):
        assert director_client.get(reverse("reporting:report", args=[2022])).status_code == 200


def test_home_page_shows_the_year_so_far(staff_client):
    ProjectFactory(received_on=dt.date.today())
    page = staff_client.get(reverse("home")).content.decode()
    assert "à ce jour" in page
    assert reverse("reporting:dashboard") in page


def test_a_series_held_only_last_year_still_shows_on_the_dashboard(staff_client):
    from tests.factories import CollectiveActionFactory

    today = dt.date.today()
    CollectiveActionFactory(
        kind="atelier", series="mois_ess", date=today.replace(year=today.year - 1, day=1)
    )
    rows = staff_client.get(reverse("reporting:dashboard")).context["rows"]
    row = next(r for r in rows if r["label"].endswith("Mois de l'ESS"))
    assert (row["current"], row["previous"]) == (0, 1)
