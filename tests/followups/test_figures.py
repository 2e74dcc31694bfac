"""The follow-up figures on hand-made edges: not answered yet, taken over, stopped, late."""

import datetime as dt
from decimal import Decimal

import pytest

from accompaniment.models import Project
from dla.models import StepKind
from followups.models import FollowUp, Outcome
from followups.selectors import creation_survival, dla_survival
from reporting.exports import figures_table
from reporting.figure_cache import json_ready
from reporting.selectors import Period, report_figures
from tests.factories import ProjectFactory, StepFactory, StructureFactory

pytestmark = pytest.mark.django_db

D = dt.date


def created(on: dt.date, jobs: int = 1, **kwargs):
    return ProjectFactory(status="cree", created_on=on, jobs_created=jobs, **kwargs)


def answer(target, years: int, outcome: str, headcount=None, fte=None, on=None):
    field = "project" if isinstance(target, Project) else "engineering"
    return FollowUp.objects.create(
        **{field: target},
        years_after=years,
        due_on=D(2000, 1, 1),
        outcome=outcome,
        headcount=headcount,
        fte=fte,
        answered_on=on or D(2025, 6, 1),
    )


def test_a_project_created_in_2022_and_followed_up_in_2025_counts_in_the_2025_rate():
    project = created(D(2022, 5, 10), jobs=2)
    answer(project, 3, Outcome.ACTIVE, headcount=4, fte=Decimal("3.5"), on=D(2025, 5, 12))

    figures = creation_survival(Period(2025))

    assert figures["annee_de_creation"] == 2022
    assert (figures["structures"], figures["suivies"], figures["non_renseignees"]) == (1, 1, 0)
    assert figures["taux_survie"] == 100.0
    assert (figures["emplois_avant"], figures["emplois_apres"], figures["etp_apres"]) == (2, 4, 3.5)
    # Not in the cohort of another year.
    assert creation_survival(Period(2024))["structures"] == 0
    assert creation_survival(Period(2026))["structures"] == 0


def test_the_edges_of_the_survival_rate():
    active = created(D(2022, 1, 3), jobs=1)
    taken_over = created(D(2022, 2, 3), jobs=2)
    stopped = created(D(2022, 3, 3), jobs=3)
    stopped_at_one_year = created(D(2022, 4, 3), jobs=4)
    not_answered = created(D(2022, 5, 3), jobs=5)
    only_one_year_answer = created(D(2022, 6, 3), jobs=6)
    created(D(2021, 12, 31))  # another cohort
    ProjectFactory(status="abandonne")  # never created
    answer(active, 3, Outcome.ACTIVE, headcount=2)
    answer(taken_over, 3, Outcome.TAKEN_OVER, headcount=1)
    answer(stopped, 3, Outcome.STOPPED, headcount=0)
    answer(stopped_at_one_year, 1, Outcome.STOPPED, headcount=0)
    answer(only_one_year_answer, 1, Outcome.ACTIVE, headcount=9)

    figures = creation_survival(Period(2025))

    # Followed: answered at three years, or known stopped earlier (a stopped structure stays so).
    assert figures["structures"] == 6
    assert figures["suivies"] == 4
    assert figures["non_renseignees"] == 2  # not answered, and answered at one year only
    assert (figures["actives"], figures["reprises"], figures["arretees"]) == (1, 1, 2)
    # Taken over counts as alive: 2 alive out of 4 followed.
    assert figures["taux_survie"] == 50.0
    # Jobs are compared on the followed structures only; the stopped ones have none left.
    assert figures["emplois_avant"] == 1 + 2 + 3 + 4
    assert figures["emplois_apres"] == 2 + 1
    assert not_answered.follow_ups.count() == 0


def test_a_later_answer_overrides_an_earlier_stop():
    revived = created(D(2022, 1, 3))
    answer(revived, 1, Outcome.STOPPED, headcount=0)
    answer(revived, 3, Outcome.ACTIVE, headcount=1)

    figures = creation_survival(Period(2025))

    assert (figures["suivies"], figures["actives"], figures["arretees"]) == (1, 1, 0)


def test_no_followed_structure_gives_no_rate_and_shows_the_unanswered():
    created(D(2022, 1, 3))
    created(D(2022, 1, 4))

    figures = creation_survival(Period(2025))

    assert figures["taux_survie"] is None
    assert (figures["structures"], figures["suivies"], figures["non_renseignees"]) == (2, 0, 2)


def engineering(structure, ended_on, kind=StepKind.INDIVIDUAL_ENGINEERING, **kwargs):
    return StepFactory(
        structure=structure,
        kind=kind,
        date=ended_on - dt.timedelta(days=60),
        ended_on=ended_on,
        **kwargs,
    )


def test_dla_structures_one_and_two_years_after_their_latest_engineering():
    one_year = StructureFactory(employees=10)
    two_years = StructureFactory(employees=4)
    engineered_again = StructureFactory(employees=7)
    step_2024 = engineering(one_year, D(2024, 9, 30))
    step_2023 = engineering(two_years, D(2023, 3, 31))
    engineering(engineered_again, D(2023, 5, 31))
    engineering(engineered_again, D(2024, 11, 30))  # its follow-ups start again from here
    StepFactory(structure=StructureFactory(), kind=StepKind.DIAGNOSIS, date=D(2024, 2, 1))
    answer(step_2024, 1, Outcome.ACTIVE, headcount=12, fte=Decimal("9.5"))
    answer(step_2023, 1, Outcome.STOPPED, headcount=0)

    after_one = dla_survival(Period(2025), 1)
    after_two = dla_survival(Period(2025), 2)

    assert after_one["annee_ingenierie"] == 2024
    assert (after_one["structures"], after_one["suivies"], after_one["non_renseignees"]) == (
        2,
        1,
        1,
    )
    assert after_one["taux_survie"] == 100.0
    assert (after_one["emplois_avant"], after_one["emplois_apres"]) == (10, 12)
    assert after_one["etp_apres"] == 9.5
    # Stopped after one year: stopped at two years too, without a second call.
    assert after_two["annee_ingenierie"] == 2023
    assert (after_two["structures"], after_two["suivies"], after_two["arretees"]) == (1, 1, 1)
    assert after_two["taux_survie"] == 0.0
    assert after_two["emplois_avant"] == 4


def test_an_engineering_without_an_end_ends_on_its_date():
    structure = StructureFactory()
    StepFactory(structure=structure, kind=StepKind.COLLECTIVE_ENGINEERING, date=D(2024, 12, 31))

    assert dla_survival(Period(2025), 1)["structures"] == 1


def test_the_report_its_json_and_its_exports_carry_the_figures():
    project = created(D(2022, 5, 10), jobs=2)
    answer(project, 3, Outcome.TAKEN_OVER, headcount=3)

    figures = json_ready(report_figures(2025))
    rows = {key: value for key, _, value in figures_table(figures)}

    assert figures["complements"]["creation"]["survie_3_ans"]["taux_survie"] == 100.0
    assert figures["complements"]["dla"]["suivi_1_an"]["structures"] == 0
    assert rows["complements.creation.survie_3_ans.taux_survie"] == 100.0
    assert rows["complements.creation.survie_3_ans.suivies"] == 1
    assert rows["complements.creation.survie_3_ans.non_renseignees"] == 0
    assert rows["complements.dla.suivi_2_ans.structures"] == 0


def test_the_report_page_shows_the_rate_and_the_unanswered(staff_client):
    answer(created(D(2022, 5, 10)), 3, Outcome.ACTIVE, headcount=1)
    created(D(2022, 6, 10))

    page = staff_client.get("/rapport/2025/").content.decode()

    assert "Taux de survie à 3 ans" in page
    assert "100,0" in page
    assert "<strong>1</strong> sans réponse" in page
