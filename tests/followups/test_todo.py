"""The follow-ups to do: who sees which, when one shows, when it leaves, the quick form."""

import datetime as dt

import pytest
from django.urls import reverse

from dla.models import StepKind
from followups.models import FollowUp, Outcome
from followups.selectors import (
    due_on,
    engineering_follow_ups_due,
    project_follow_ups_due,
)
from tests.factories import ProjectFactory, StepFactory, StructureFactory, staff_user

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2025, 6, 15)


def created(on, **kwargs):
    return ProjectFactory(status="cree", created_on=on, jobs_created=1, **kwargs)


def due(**kwargs) -> list[tuple[str, int]]:
    return [(p.name, p.years_after) for p in project_follow_ups_due(today=TODAY, **kwargs)]


def test_a_follow_up_shows_a_month_before_it_is_due_and_until_the_next_ones_turn():
    created(D(2024, 7, 10), name="bientôt")  # due 10/07/2025, within 30 days
    created(D(2024, 8, 30), name="plus tard")  # due 30/08/2025
    created(D(2023, 7, 10), name="deux ans")  # 2nd due 10/07/2025; the 1st left the list
    created(D(2023, 7, 20), name="un an, très en retard")  # the 2nd's turn comes on 20/06/2025
    created(D(2022, 1, 5), name="trois ans en retard")  # 3rd was due 05/01/2025
    created(D(2021, 6, 1), name="fini")  # 3rd due 01/06/2024: over a year ago, no 4th
    ProjectFactory(status="accompagne", name="pas créé")

    assert due() == [
        ("un an, très en retard", 1),
        ("trois ans en retard", 3),
        ("bientôt", 1),
        ("deux ans", 2),
    ]


def test_answered_and_stopped_ones_leave_the_list(staff):
    answered = created(D(2024, 6, 1), name="répondu")
    stopped = created(D(2023, 6, 1), name="arrêté")
    FollowUp.objects.create(
        project=answered,
        years_after=1,
        due_on=D(2025, 6, 1),
        outcome=Outcome.ACTIVE,
        headcount=1,
        answered_on=TODAY,
    )
    FollowUp.objects.create(
        project=stopped,
        years_after=1,
        due_on=D(2024, 6, 1),
        outcome=Outcome.STOPPED,
        headcount=0,
        answered_on=D(2024, 6, 1),
    )

    assert due() == []


def test_each_person_sees_the_projects_they_refer(staff):
    other = staff_user(username="autre")
    created(D(2024, 6, 1), name="le mien", referent=staff)
    created(D(2024, 6, 2), name="le sien", referent=other)

    assert due(staff=staff) == [("le mien", 1)]
    assert len(due()) == 2


def test_dla_follow_ups_run_from_the_latest_engineering_and_go_to_its_staff(staff):
    structure = StructureFactory(name="Recyclerie")
    StepFactory(
        structure=structure,
        kind=StepKind.INDIVIDUAL_ENGINEERING,
        date=D(2023, 3, 1),
        ended_on=D(2023, 6, 1),
        staff=staff,
    )
    latest = StepFactory(
        structure=structure,
        kind=StepKind.COLLECTIVE_ENGINEERING,
        date=D(2024, 5, 1),
        ended_on=D(2024, 6, 20),
        staff=staff,
    )

    rows = list(engineering_follow_ups_due(today=TODAY, staff=staff))

    assert [(row.pk, row.years_after) for row in rows] == [(latest.pk, 1)]
    assert due_on(rows[0]) == D(2025, 6, 20)
    assert list(engineering_follow_ups_due(today=TODAY, staff=staff_user(username="x"))) == []


def test_the_todo_page_flags_overdue_ones(staff_client, staff, settings):
    created(D(2020, 1, 1) + dt.timedelta(days=1), name="Vieux", referent=staff)
    today = dt.date.today()
    created(
        today.replace(year=today.year - 1) - dt.timedelta(days=10), name="En retard", referent=staff
    )
    created(
        today.replace(year=today.year - 1) + dt.timedelta(days=10), name="Bientôt", referent=staff
    )

    page = staff_client.get(reverse("followups:todo")).content.decode()

    assert "En retard : dû le" in page
    assert page.index("En retard") < page.index("Bientôt")
    assert "Vieux" not in page


def test_the_quick_form_records_an_answer_once(staff_client, staff):
    today = dt.date.today()
    project = created(today.replace(year=today.year - 1) - dt.timedelta(days=3), referent=staff)
    url = reverse("followups:project_answer", args=[project.pk])
    data = {
        "years_after": "1",
        "outcome": "active",
        "headcount": "3",
        "fte": "2,5",
        "answered_on": today.isoformat(),
        "note": "Tout va bien.",
        "submission_token": "6f1c2f7e-8c1e-4a8e-9d5e-0a3f4b1c2d3e",
    }

    first = staff_client.post(url, data, HTTP_HX_REQUEST="true")
    again = staff_client.post(url, data, HTTP_HX_REQUEST="true")

    follow_up = FollowUp.objects.get()
    assert (follow_up.years_after, follow_up.headcount, str(follow_up.fte)) == (1, 3, "2.50")
    assert follow_up.answered_by == staff
    assert follow_up.due_on == project.created_on.replace(year=project.created_on.year + 1)
    assert "Suivi enregistré" in first.content.decode()
    assert again.status_code == 200 and FollowUp.objects.count() == 1


def test_bad_input_is_refused_in_french_and_changes_nothing(staff_client):
    today = dt.date.today()
    project = created(today.replace(year=today.year - 1) - dt.timedelta(days=3))
    url = reverse("followups:project_answer", args=[project.pk])

    response = staff_client.post(
        url,
        {
            "years_after": "2",
            "outcome": "active",
            "headcount": "",
            "fte": "5",
            "answered_on": today.isoformat(),
            "submission_token": "6f1c2f7e-8c1e-4a8e-9d5e-0a3f4b1c2d3f",
        },
        HTTP_HX_REQUEST="true",
    )

    page = response.content.decode()
    assert "Ce suivi n&#x27;est pas à faire maintenant." in page
    assert "Indiquez le nombre de salarié·es" in page
    assert FollowUp.objects.count() == 0


def test_the_list_form_is_swapped_in_and_answers_in_place(staff_client, staff):
    today = dt.date.today()
    structure = StructureFactory(name="Épicerie")
    StepFactory(
        structure=structure,
        kind=StepKind.INDIVIDUAL_ENGINEERING,
        date=today.replace(year=today.year - 2),
        staff=staff,
    )
    url = reverse("followups:structure_answer", args=[structure.pk])

    form = staff_client.get(url + "?depuis=liste", HTTP_HX_REQUEST="true").content.decode()
    done = staff_client.post(
        url,
        {
            "depuis": "liste",
            "years_after": "2",
            "outcome": "arretee",
            "answered_on": today.isoformat(),
            "submission_token": "6f1c2f7e-8c1e-4a8e-9d5e-0a3f4b1c2d40",
        },
        HTTP_HX_REQUEST="true",
    ).content.decode()

    assert 'name="depuis" value="liste"' in form and "à 2 ans" in form
    assert "Suivi enregistré pour Épicerie" in done
    follow_up = FollowUp.objects.get()
    assert (follow_up.engineering.structure, follow_up.outcome, follow_up.headcount) == (
        structure,
        Outcome.STOPPED,
        0,
    )


def test_an_answer_is_corrected_without_overwriting_a_concurrent_edit(staff_client, staff):
    project = created(D(2022, 1, 1))
    follow_up = FollowUp.objects.create(
        project=project,
        years_after=3,
        due_on=D(2025, 1, 1),
        outcome=Outcome.ACTIVE,
        headcount=2,
        answered_on=D(2025, 1, 3),
    )
    url = reverse("followups:follow_up_edit", args=[follow_up.pk])
    data = {"outcome": "reprise", "headcount": "4", "answered_on": "2025-01-03", "version": "1"}

    assert staff_client.post(url, data).status_code == 302
    stale = staff_client.post(url, data | {"headcount": "9"})

    follow_up.refresh_from_db()
    assert (follow_up.outcome, follow_up.headcount) == (Outcome.TAKEN_OVER, 4)
    assert "Quelqu" in stale.content.decode()
    assert follow_up.history.count() == 2


def test_the_project_page_shows_its_follow_ups(staff_client):
    project = created(D(2022, 1, 1))
    not_created = ProjectFactory(status="accompagne")

    page = staff_client.get(project.get_absolute_url()).content.decode()

    assert 'id="suivis"' in page and "à 3 ans" in page.lower()
    assert 'id="suivis"' not in staff_client.get(not_created.get_absolute_url()).content.decode()


def test_the_dashboard_shows_the_year_to_date_survival(staff_client):
    this_year = dt.date.today().year
    project = created(D(this_year - 3, 2, 1))
    FollowUp.objects.create(
        project=project,
        years_after=3,
        due_on=D(this_year, 2, 1),
        outcome=Outcome.STOPPED,
        headcount=0,
        answered_on=D(this_year, 2, 2),
    )
    created(D(this_year - 3, 3, 1))

    page = staff_client.get(reverse("reporting:dashboard")).content.decode()

    assert 'data-testid="dashboard-survival"' in page
    assert f"Créées en {this_year - 3}" in page
    assert "0,0&#8239;%" in page
