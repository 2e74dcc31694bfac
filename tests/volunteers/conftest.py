import datetime as dt

import pytest
from django.test import Client

from tests import factories
from volunteers.models import Case, CaseStatus, Contribution, Mission


@pytest.fixture
def legal(db):
    return factories.SkillFactory(name="juridique")


@pytest.fixture
def digital(db):
    return factories.SkillFactory(name="numérique")


@pytest.fixture
def profile(volunteer, legal):
    """The volunteer fixture's profile: a lawyer wanting co-accompaniment."""
    v = factories.VolunteerFactory(
        user=volunteer, email=volunteer.email, missions=[Mission.CO_ACCOMPANIMENT]
    )
    v.skills.set([legal])
    return v


@pytest.fixture
def other_profile(other_volunteer, digital):
    v = factories.VolunteerFactory(
        user=other_volunteer, email=other_volunteer.email, missions=[Mission.CO_ACCOMPANIMENT]
    )
    v.skills.set([digital])
    return v


def login(user) -> Client:
    """A browser session of its own (the conftest's clients all share one `client`)."""
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def other_client(other_volunteer, other_profile):
    return login(other_volunteer)


@pytest.fixture
def project(db, staff):
    holder = factories.HolderFactory(
        first_name="Léa", last_name="Porteuse", email="lea@example.org", phone="0380000000"
    )
    return factories.ProjectFactory(
        name="Recyclerie des Grésilles",
        holders=[holder],
        summary="Une recyclerie dans le quartier.",
        referent=staff,
    )


def make_case(project, *, skills=(), status=CaseStatus.OPEN, volunteer=None, opened_by=None):
    case = Case.objects.create(
        project=project,
        description="Relire le prévisionnel financier.",
        expected_hours=6,
        status=status,
        volunteer=volunteer,
        opened_by=opened_by,
    )
    case.skills.set(skills)
    return case


@pytest.fixture
def open_case(project, legal, staff):
    return make_case(project, skills=[legal], opened_by=staff)


@pytest.fixture
def taken_case(project, legal, profile, staff):
    return make_case(
        project, skills=[legal], status=CaseStatus.TAKEN, volunteer=profile, opened_by=staff
    )


def log(
    volunteer, *, case=None, mission=Mission.CO_ACCOMPANIMENT, on=dt.date(2025, 3, 1), minutes=60
):
    return Contribution.objects.create(
        volunteer=volunteer,
        case=case,
        mission=case.mission if case else mission,
        date=on,
        minutes=minutes,
        notes="Relecture du budget avec la porteuse.",
    )
