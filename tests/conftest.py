import pytest

from tests import factories

# One Chromium for the whole session, shared by every app's browser journeys.
pytest_plugins = ["tests.browser_fixtures"]


@pytest.fixture
def staff(db):
    return factories.staff_user(username="equipe1")


@pytest.fixture
def director(db):
    return factories.director_user(username="directrice")


@pytest.fixture
def volunteer(db):
    return factories.volunteer_user(username="benevole1")


@pytest.fixture
def other_volunteer(db):
    return factories.volunteer_user(username="benevole2")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def director_client(client, director):
    client.force_login(director)
    return client


@pytest.fixture
def volunteer_client(client, volunteer):
    client.force_login(volunteer)
    return client