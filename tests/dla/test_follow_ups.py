import datetime as dt

import pytest
from django.urls import reverse

from dla.models import StepKind
from dla.selectors import follow_ups_due, months_before
from tests import factories

TODAY = dt.date(2026, 11, 23)
IND = StepKind.INDIVIDUAL_ENGINEERING


def _engineering(name, *, date, ended_on=None, kind=IND, staff=None, **kwargs):
    structure = factories.StructureFactory(name=name)
    factories.StepFactory(
        structure=structure, kind=kind, date=date, ended_on=ended_on, staff=staff, **kwargs
    )
    return structure


def _names(rows):
    return {step.structure.name for step in rows}


def test_months_before_clamps_to_the_end_of_the_month():
    assert months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)
    assert months_before(TODAY, 12) == dt.date(2025, 11, 23)


@pytest.mark.django_db
def test_engineerings_ended_six_to_twelve_months_ago_are_due():
    _engineering("Ended in March", date=dt.date(2026, 1, 5), ended_on=dt.date(2026, 3, 1))
    _engineering("No end, dated April", date=dt.date(2026, 4, 1))
    _engineering("Started long ago", date=dt.date(2025, 1, 1), ended_on=dt.date(2026, 1, 15))
    _engineering("Exactly six months", date=dt.date(2026, 5, 23))
    _engineering("Exactly twelve months", date=dt.date(2025, 11, 23))
    collective = factories.CollectiveEngineeringFactory()
    _engineering(
        "Collective",
        date=dt.date(2026, 2, 1),
        ended_on=dt.date(2026, 4, 30),
        kind=StepKind.COLLECTIVE_ENGINEERING,
        collective=collective,
    )
    _engineering("Too recent", date=dt.date(2026, 5, 24))
    _engineering("Too old", date=dt.date(2025, 11, 22))
    _engineering("Ended too recently", date=dt.date(2026, 1, 5), ended_on=dt.date(2026, 8, 1))
    factories.StepFactory(kind=StepKind.DIAGNOSIS, date=dt.date(2026, 3, 1))
    assert _names(follow_ups_due(today=TODAY)) == {
        "Ended in March",
        "No end, dated April",
        "Started long ago",
        "Exactly six months",
        "Exactly twelve months",
        "Collective",
    }


@pytest.mark.django_db
def test_a_follow_up_after_the_engineering_clears_it_but_an_older_one_does_not():
    followed = _engineering("Followed", date=dt.date(2026, 1, 5), ended_on=dt.date(2026, 3, 1))
    factories.StepFactory(
        structure=followed, kind=StepKind.POST_FOLLOW_UP, date=dt.date(2026, 9, 1)
    )
    earlier = _engineering(
        "Earlier follow-up", date=dt.date(2026, 1, 5), ended_on=dt.date(2026, 3, 1)
    )
    factories.StepFactory(structure=earlier, kind=StepKind.POST_FOLLOW_UP, date=dt.date(2025, 2, 1))
    assert _names(follow_ups_due(today=TODAY)) == {"Earlier follow-up"}


@pytest.mark.django_db
def test_follow_ups_due_for_one_staff_member():
    mine, theirs = factories.staff_user(username="moi"), factories.staff_user(username="autre")
    _engineering("Mine", date=dt.date(2026, 3, 1), staff=mine)
    _engineering("Theirs", date=dt.date(2026, 3, 1), staff=theirs)
    assert _names(follow_ups_due(today=TODAY, staff=mine)) == {"Mine"}
    row = follow_ups_due(today=TODAY, staff=mine).get()
    assert row.engineering_ended_on == dt.date(2026, 3, 1)


def test_follow_ups_page_lists_them_and_filters_mine(staff_client, staff):
    today = dt.date.today()
    ended = months_before(today, 8)
    _engineering("Mine", date=ended, staff=staff)
    _engineering("Someone else's", date=ended)
    html = staff_client.get(reverse("dla:follow_ups")).content.decode()
    assert "Mine" in html and "Someone else&#x27;s" in html
    html = staff_client.get(reverse("dla:follow_ups"), {"miens": "1"}).content.decode()
    assert "Mine" in html and "Someone else" not in html
