"""What a volunteer reads to choose a case, their own pending case, and their home page."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accompaniment.models import ProjectStatus
from tests import factories
from volunteers.models import CaseStatus

from .conftest import log, make_case


def test_a_board_card_tells_the_project_and_the_need_without_personal_data(
    other_client, project, digital
):
    project.holders.update(commune="Chenôve")
    project.status = ProjectStatus.ACCOMPANIED
    project.save()
    case = make_case(project, skills=[digital])
    html = other_client.get(reverse("volunteers:board")).content.decode()
    card = html[html.index("<article") : html.index("</article>")]
    assert f"Projet {escape(project.get_programme_display())} à Chenôve" in card
    assert "Accompagné · Co-accompagnement · en attente depuis" in card
    assert "Besoin :</span> Relire le prévisionnel financier." in card
    assert case.opened_at.astimezone(timezone.get_current_timezone()).strftime("%d/%m/%Y") in card
    for personal in ("Léa", "Porteuse", "lea@example.org", "0380000000", project.name):
        assert personal not in html


def test_cards_of_two_projects_differ_by_what_the_projects_are(other_client, project, digital):
    elsewhere = factories.ProjectFactory(
        holders=[factories.HolderFactory(commune="Beaune")], programme="emergence"
    )
    project.holders.update(commune="Chenôve")
    make_case(project, skills=[digital])
    make_case(elsewhere, skills=[digital])
    html = other_client.get(reverse("volunteers:board")).content.decode()
    assert "à Chenôve" in html and "Projet Émergence à Beaune" in html


def test_my_own_taken_case_awaits_confirmation_while_staff_read_taken(
    volunteer_client, staff_client, taken_case
):
    mine = volunteer_client.get(reverse("volunteers:my_space")).content.decode()
    assert "En attente de confirmation" in mine and "Pris par un·e bénévole" not in mine
    page = volunteer_client.get(reverse("volunteers:my_case", args=[taken_case.pk]))
    assert "En attente de confirmation" in page.content.decode()
    staff_view = staff_client.get(taken_case.get_absolute_url()).content.decode()
    assert "Pris par un·e bénévole" in staff_view


def test_the_volunteer_home_counts_my_open_matches_my_cases_and_my_time_this_year(
    volunteer_client, profile, project, legal, digital
):
    today = timezone.localdate()
    make_case(project, skills=[legal])  # for my skills
    make_case(project, skills=[legal, digital])  # for my skills too
    make_case(project, skills=[digital])  # not for me
    mine = make_case(project, skills=[legal], status=CaseStatus.CONFIRMED, volunteer=profile)
    make_case(project, status=CaseStatus.CLOSED, volunteer=profile)  # over
    log(profile, case=mine, on=today, minutes=60)
    log(profile, on=today, minutes=30)
    log(profile, on=dt.date(today.year - 1, 12, 31), minutes=600)  # last year
    html = volunteer_client.get("/").content.decode()
    assert 'data-testid="count-matching">2<' in html
    assert 'data-testid="count-in-progress">1<' in html
    assert 'data-testid="count-minutes">1 h 30<' in html
