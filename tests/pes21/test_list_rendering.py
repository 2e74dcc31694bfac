"""The shared machinery that makes lists fast writes exactly what Django's templates wrote:
the Jinja2 engine of the rows, the filter form kept per state, the record addresses."""

import datetime as dt
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.template import engines
from django.urls import reverse, set_script_prefix
from django.utils import timezone
from django.utils.safestring import mark_safe

from accompaniment.filters import ProjectFilter
from accompaniment.models import Project
from pes21 import listing
from pes21.links import record_url
from tests import factories

# Around midnight in Paris but not in UTC: a date written in UTC would be the day before.
LATE_EVENING_UTC = timezone.make_aware(dt.datetime(2026, 3, 9, 23, 30), dt.UTC)

VALUES = [
    1234,
    -7,
    Decimal("1234.5"),
    1234567.25,
    dt.date(2026, 11, 23),
    LATE_EVENING_UTC,
    None,
    True,
    "",
    "L'été <b>solidaire</b> & co",
    mark_safe("<em>déjà sûr</em>"),
]


def _django(source: str, **context) -> str:
    return engines["django"].from_string("{% load pes21_tags %}" + source).render(context)


def _jinja(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_jinja_writes_a_value_as_a_django_template_does(value):
    assert _jinja("{{ value }}", value=value) == _django("{{ value }}", value=value)


@pytest.mark.parametrize("value", [dt.date(2026, 1, 5), LATE_EVENING_UTC, None, ""], ids=repr)
def test_jinja_dates_are_django_short_dates_in_paris_time(value):
    expected = _django('{{ value|date:"SHORT_DATE_FORMAT" }}', value=value)
    assert _jinja("{{ value|date }}", value=value) == expected
    if value == LATE_EVENING_UTC:
        assert expected == "10/03/2026"


def test_jinja_uses_the_filters_of_the_project_libraries():
    source = (
        "{{ m|duration }} · {{ d|days }} · {{ c|euros }} · {{ p|phone_link }} · {{ s|join(', ') }}"
    )
    values = {
        "m": 95,
        "d": Decimal("2.5"),
        "c": Decimal("1234"),
        "p": "0643300202",
        "s": ["a&b", "c"],
    }
    django_source = (
        "{% load dla_tags %}{{ m|duration }} · {{ d|days }} · {{ c|euros }} · "
        '{{ p|phone_link }} · {{ s|join:", " }}'
    )
    assert _jinja(source, **values) == _django(django_source, **values)
    assert "1 h 35" in _jinja(source, **values)


def _filterset(data: str = "") -> ProjectFilter:
    return ProjectFilter(QueryDict(data), queryset=Project.objects.all())


def _crispy(filterset: ProjectFilter) -> str:
    return (
        engines["django"]
        .from_string("{% include 'pes21/_filter_fields.html' %}")
        .render({"form": filterset.form})
    )


@pytest.fixture
def fresh_filter_forms(monkeypatch):
    monkeypatch.setattr(listing, "_filter_forms", type(listing._filter_forms)())
    return listing._filter_forms


@pytest.mark.django_db
@pytest.mark.parametrize("data", ["", "status=cree&year=2024", "year=abc"])
def test_a_kept_filter_form_is_what_crispy_writes(fresh_filter_forms, data):
    first = listing.filter_fields_html(_filterset(data))
    assert len(fresh_filter_forms) == 1
    assert listing.filter_fields_html(_filterset(data)) == first == _crispy(_filterset(data))
    assert len(fresh_filter_forms) == 1


@pytest.mark.django_db
def test_each_state_of_the_filter_form_is_kept_apart(fresh_filter_forms):
    plain = listing.filter_fields_html(_filterset())
    chosen = listing.filter_fields_html(_filterset("status=cree"))
    wrong = listing.filter_fields_html(_filterset("year=abc"))
    assert len({plain, chosen, wrong}) == 3
    assert 'value="cree" selected' in chosen and "is-invalid" in wrong


@pytest.mark.django_db
def test_a_new_staff_member_shows_at_once_in_a_kept_filter_form(fresh_filter_forms):
    assert "Zélie Nouvelle" not in listing.filter_fields_html(_filterset())
    factories.staff_user(first_name="Zélie", last_name="Nouvelle")
    assert "Zélie Nouvelle" in listing.filter_fields_html(_filterset())


@pytest.mark.django_db
def test_a_typed_search_text_is_written_but_never_kept(fresh_filter_forms):
    html = listing.filter_fields_html(_filterset("q=Dupont"))
    assert 'value="Dupont"' in html
    assert not fresh_filter_forms


@pytest.mark.django_db
def test_the_kept_filter_forms_are_bounded(fresh_filter_forms, monkeypatch):
    monkeypatch.setattr(listing, "_KEPT_FILTER_FORMS", 3)
    for year in range(2001, 2008):
        listing.filter_fields_html(_filterset(f"year={year}"))
    assert len(fresh_filter_forms) == 3


@pytest.mark.django_db
def test_a_kept_filter_form_reads_its_choices_once(django_assert_num_queries):
    filterset = _filterset()
    filterset.form  # noqa: B018 (built before counting)
    with django_assert_num_queries(1):  # the staff members of « Référent·e »
        listing.filter_fields_html(filterset)


NAMES = [
    "accompaniment:holder_detail",
    "accompaniment:project_detail",
    "accompaniment:action_detail",
    "dla:structure_detail",
    "dla:provider_detail",
    "dla:collective_detail",
    "dla:step_edit",
    "generateur:territory_detail",
    "generateur:project_detail",
    "volunteers:volunteer_detail",
    "volunteers:case_detail",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("prefix", ["/", "/pes21/"])
def test_a_record_address_is_the_one_reverse_gives(name, prefix):
    set_script_prefix(prefix)
    try:
        for pk in (1, 42, 2147483647, 10**12):
            assert record_url(name, pk) == reverse(name, args=[pk])
    finally:
        set_script_prefix("/")
