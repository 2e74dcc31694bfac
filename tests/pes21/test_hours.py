"""Minutes become hours by one rule, and the project page and the report agree on it."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from accompaniment.models import Programme
from pes21.hours import hours_display, minutes_to_hours
from tests import factories


@pytest.mark.parametrize(
    ("minutes", "hours"),
    [(135, "2.3"), (45, "0.8"), (15, "0.3"), (3, "0.1"), (2, "0.0"), (60, "1.0"), (None, "0.0")],
)
def test_minutes_become_hours_rounded_half_up_to_a_tenth(minutes, hours):
    assert minutes_to_hours(minutes) == Decimal(hours)


def test_hours_read_in_french_without_a_useless_decimal():
    assert hours_display(Decimal("2.25")) == "2,3"
    assert hours_display(Decimal("2.0")) == "2"
    assert hours_display(None) == "—"


def test_three_meetings_of_45_minutes_read_2_h_15_and_2_3_h_on_the_page_and_2_3_h_in_the_report(
    staff_client,
):
    """A page writes time exact to the minute (pes21_tags.duration) and, beside a project's total,
    the report's figure: the same sum rounded once to a tenth (pes21.hours), not 3 x 0,8 = 2,4 h."""
    project = factories.ProjectFactory(
        programme=Programme.BENEFICES_CREA, received_on=dt.date(2023, 1, 10)
    )
    for day in (1, 2, 3):
        factories.MeetingFactory(project=project, date=dt.date(2023, 2, day), duration_minutes=45)

    page = staff_client.get(project.get_absolute_url())
    assert page.status_code == 200
    content = page.content.decode()
    assert 'data-testid="hours-spent">2 h 15<' in content
    assert 'data-testid="report-hours">2,3\u00a0h<' in content

    response = staff_client.get(reverse("reporting:export", args=[2023, "json"]))
    assert response.status_code == 200
    report = json.loads(response.content)
    creation = report["complements"]["creation"]
    assert creation["heures"] == 2.3
    [row] = [r for r in creation["par_programme"] if r["programme"] == Programme.BENEFICES_CREA]
    assert row["heures"] == 2.3
