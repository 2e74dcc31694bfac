"""The staff home page is each person's desk (pes21.desk, issue 28): late next steps first, then
today and this week, follow-ups due, cases waiting for a volunteer, then the year's figures; each
line one click from its record, and the same number of queries whatever the data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pes21.desk import DESK_LINES, desk_sections
from tests import factories
from volunteers.models import Case

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


def _section(sections, key):
    return next(section for section in sections if section.key == key)


def _work(staff, *, n: int = 1, other=None) -> dict:
    """`n` of each kind of work for `staff`: late next steps, steps this week, follow-ups due,
    cases waiting; and the same for `other`, which `staff`'s desk must not show."""
    today = _today()
    made = {"late": [], "week": [], "created": [], "cases": []}
    for index in range(n):
        made["late"].append(
            factories.ProjectFactory(
                name=f"En retard {index}",
                referent=staff,
                status="accompagne",
                started_on=today - dt.timedelta(days=200),
                next_step="Relire le budget",
                next_step_on=today - dt.timedelta(days=3 + index),
            )
        )
        made["week"].append(
            factories.ProjectFactory(
                name=f"Cette semaine {index}",
                referent=staff,
                status="accompagne",
                started_on=today - dt.timedelta(days=200),
                next_step="Rendez-vous bancaire",
                next_step_on=today + dt.timedelta(days=2),
            )
        )
        created = factories.ProjectFactory(
            name=f"Structure {index}",
            referent=staff,
            status="cree",
            started_on=today - dt.timedelta(days=900),
            ended_on=today - dt.timedelta(days=380),
            created_on=today - dt.timedelta(days=380),
        )
        made["created"].append(created)
        made["cases"].append(
            Case.objects.create(
                project=made["late"][-1], description="Relire le budget", opened_by=staff
            )
        )
    if other is not None:
        factories.ProjectFactory(
            name="Pas le mien",
            referent=other,
            status="accompagne",
            started_on=today - dt.timedelta(days=200),
            next_step_on=today - dt.timedelta(days=3),
        )
    return made


def test_the_desk_lists_my_work_in_order_each_line_linking_to_its_record(staff):
    made = _work(staff, other=factories.staff_user(username="collegue"))
    sections = desk_sections(staff, today=_today())
    assert [s.key for s in sections] == [
        "etapes-en-retard",
        "cette-semaine",
        "suivis-dus",
        "dossiers-sans-benevole",
        "demandes-en-ligne",
        "presences-a-noter",
        "chiffres",
    ]

    late = _section(sections, "etapes-en-retard")
    assert [line.title for line in late.lines] == ["En retard 0"]
    assert late.lines[0].url == made["late"][0].get_absolute_url() and late.lines[0].late

    week = _section(sections, "cette-semaine")
    assert [line.url for line in week.lines] == [made["week"][0].get_absolute_url()]

    due = _section(sections, "suivis-dus")
    assert due.lines[0].title == "Structure 0" and due.lines[0].late
    assert due.lines[0].url == made["created"][0].get_absolute_url() + "#suivis"

    waiting = _section(sections, "dossiers-sans-benevole")
    assert waiting.lines[0].url == made["cases"][0].get_absolute_url()

    figures = _section(sections, "chiffres")
    assert len(figures.figures) == 4 and figures.more_url == reverse("reporting:dashboard")


def test_a_section_lists_its_first_lines_and_counts_the_rest(staff):
    _work(staff, n=DESK_LINES + 3)
    late = _section(desk_sections(staff, today=_today()), "etapes-en-retard")
    assert len(late.lines) == DESK_LINES
    assert late.total == DESK_LINES + 3 and late.hidden == 3
    # The oldest first.
    assert late.lines[0].title == f"En retard {DESK_LINES + 2}"


def test_the_desk_page_shows_each_section_and_says_when_there_is_nothing(staff, staff_client):
    page = staff_client.get(reverse("home")).content.decode()
    assert "Aucune étape en retard." in page
    assert "Rien de prévu cette semaine." in page
    assert "Aucun suivi à faire." in page
    assert "Aucun dossier n’attend de bénévole." in page
    assert "à ce jour" in page

    _work(staff)
    page = staff_client.get(reverse("home")).content.decode()
    assert "Aucune étape en retard." not in page
    assert "en retard</span>" in page


def test_the_desk_s_queries_do_not_grow_with_the_work(staff, staff_client):
    _work(staff, n=2)
    with CaptureQueriesContext(connection) as few:
        assert staff_client.get(reverse("home")).status_code == 200
    _work(staff, n=DESK_LINES + 5)
    with CaptureQueriesContext(connection) as many:
        assert staff_client.get(reverse("home")).status_code == 200
    # The counts of the full sections are the only queries more.
    assert len(many) <= len(few) + 4, [q["sql"][:80] for q in many.captured_queries]


def test_volunteers_and_accounts_without_a_role_get_no_desk(volunteer):
    assert desk_sections(volunteer, today=_today()) == []
    assert desk_sections(factories.UserFactory(username="sans-role"), today=_today()) == []
