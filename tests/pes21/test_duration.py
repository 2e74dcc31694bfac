from decimal import Decimal

import pytest
from django.template import Context, Template


def _render(source: str, **context) -> str:
    return Template("{% load pes21_tags %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(90, "1 h 30"), (120, "2 h"), (45, "45 min"), (65, "1 h 05"), (0, "0 h"), (None, "0 h")],
)
def test_every_duration_reads_hours_and_minutes(minutes, expected):
    assert _render("{{ m|duration }}", m=minutes) == expected


def test_an_action_kept_in_hours_reads_like_the_minutes():
    assert _render("{{ h|as_hours }}", h=Decimal("2.25")) == "2 h 15"
    assert _render("{{ h|as_hours }}", h=None) == "—"


def test_no_other_time_filter_is_left():
    from pes21.templatetags import pes21_tags
    from volunteers.templatetags import volunteers_tags

    assert "minutes_as_hours" not in pes21_tags.register.filters
    assert "minutes_as_duration" not in volunteers_tags.register.filters
