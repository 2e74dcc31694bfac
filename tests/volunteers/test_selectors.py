"""The time volunteers gave and how many were active, as the report reads them."""

import datetime as dt
from decimal import Decimal

from tests import factories
from volunteers import selectors
from volunteers.models import Volunteer

from .conftest import log

START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def test_hours_by_mission_count_only_the_period(profile, taken_case, other_profile):
    log(profile, case=taken_case, on=START, minutes=90)
    log(profile, case=taken_case, on=END, minutes=45)
    log(other_profile, mission="vie_associative", on=dt.date(2025, 6, 1), minutes=120)
    log(other_profile, mission="vie_associative", on=dt.date(2024, 12, 31), minutes=600)
    log(other_profile, mission="accueil_amont", on=dt.date(2026, 1, 1), minutes=600)
    hours = selectors.volunteer_hours_by_mission(start=START, end=END)
    assert hours == {
        "accueil_amont": Decimal("0"),
        "co_accompagnement": Decimal("2.3"),  # 135 min, rounded once
        "post_accompagnement": Decimal("0"),
        "vie_associative": Decimal("2"),
    }


def test_hours_by_mission_is_one_query(profile, django_assert_num_queries):
    log(profile, mission="vie_associative", on=START)
    with django_assert_num_queries(1):
        selectors.volunteer_hours_by_mission(start=START, end=END)


def test_active_volunteers_are_those_present_at_some_point_of_the_period(db):
    factories.VolunteerFactory(joined_on=dt.date(2020, 1, 1))  # still there
    factories.VolunteerFactory(joined_on=dt.date(2020, 1, 1), left_on=START)  # left on day one
    factories.VolunteerFactory(joined_on=END)  # came on the last day
    factories.VolunteerFactory(joined_on=dt.date(2020, 1, 1), left_on=dt.date(2024, 12, 31))
    factories.VolunteerFactory(joined_on=dt.date(2026, 1, 1))
    assert Volunteer.objects.active_between(START, END).count() == 3
