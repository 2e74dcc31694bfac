import pytest

from tests import factories
from tests.browser_fixtures import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_anonymous_is_sent_to_login_and_the_director_gets_in(page, shots, live_server):
    factories.director_user(username="claire", first_name="Claire")
    page.goto(live_server.url + "/")
    assert "/compte/connexion/" in page.url
    shots.take("connexion")
    login(page, live_server, "claire")
    assert page.get_by_role("heading", name="Bonjour Claire").is_visible()
    shots.take("accueil-direction")
