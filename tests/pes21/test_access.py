"""Every page requires login, and each role gets the home page and navigation it should."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories

# Pages a person reaches before logging in.
PUBLIC_NAMES = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",
    "admin:login",
    # The association's public doors (public/urls.py).
    "public:home",
    "public:privacy",
    "public:action",
    "public:registration",
    "public:registration_calendar",
    "public:project_request",
    "public:questionnaire",
}


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name


def _concrete(route: str) -> str:
    """A URL for a route, with a plausible value in each parameter."""
    route = re.sub(r"<int:\w+>", "1", route)
    route = re.sub(r"<(?:str|slug|uuid|path)?:?\w+>", "abc", route)
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    route = re.sub(r"\(\?P<\w+>[^)]+\)", "1", route)
    return "/" + route.replace("\\", "")


ALL_ROUTES = sorted(set(_walk(get_resolver().url_patterns)))


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name"), ALL_ROUTES)
def test_anonymous_never_gets_a_page(client, route, name):
    url = _concrete(route)
    response = client.get(url)
    if name in PUBLIC_NAMES:
        assert response.status_code in (200, 302, 404)
        return
    assert response.status_code in (302, 404, 405), (url, response.status_code)
    if response.status_code == 302:
        location = response["Location"]
        assert location.startswith((reverse("login") + "?next=", "/admin/login/?next=")), location


def test_the_walk_covers_the_apps():
    names = {name for _, name in ALL_ROUTES}
    assert {"home", "search", "accompaniment:project_list", "dla:structure_list"} <= names


@pytest.mark.django_db
def test_login_page_is_in_french(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Connexion" in response.content.decode()
    assert 'lang="fr"' in response.content.decode()


@pytest.mark.django_db
def test_demo_director_can_log_in(client):
    factories.director_user(username="claire")
    response = client.post(
        reverse("login"), {"username": "claire", "password": "motdepasse-test"}, follow=True
    )
    assert response.status_code == 200
    assert response.context["user"].username == "claire"
    assert "Rapport d'activité" in response.content.decode()


@pytest.mark.django_db
def test_wrong_password_gives_a_french_message(client):
    factories.staff_user(username="sophie")
    response = client.post(reverse("login"), {"username": "sophie", "password": "faux"})
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()


def _nav(response) -> str:
    html = response.content.decode()
    return html[html.index("<nav") : html.index("</nav>")]


def test_staff_home_and_navigation(staff_client):
    response = staff_client.get(reverse("home"))
    assert response.status_code == 200
    nav = _nav(response)
    for label in ("Accompagnement", "DLA", "Générateur", "Bénévoles", "Rechercher"):
        assert label in nav
    assert "Mes dossiers" not in nav


def test_director_home_shows_the_report(director_client):
    response = director_client.get(reverse("home"))
    assert response.status_code == 200
    assert "Ouvrir le rapport" in response.content.decode()
    assert "Rapport d'activité" in _nav(response)


def test_volunteer_home_and_navigation(volunteer_client):
    response = volunteer_client.get(reverse("home"))
    assert response.status_code == 200
    nav = _nav(response)
    assert "Mes dossiers" in nav
    for label in ("Accompagnement", "DLA", "Générateur", "Rechercher"):
        assert label not in nav


@pytest.mark.parametrize(
    "name",
    [
        "accompaniment:project_list",
        "dla:structure_list",
        "generateur:territory_list",
        "volunteers:volunteer_list",
        "reporting:index",
        "search",
    ],
)
def test_volunteer_is_refused_staff_pages(volunteer_client, name):
    assert volunteer_client.get(reverse(name)).status_code == 403


def test_staff_is_refused_the_volunteer_space(staff_client):
    assert staff_client.get(reverse("volunteers:my_space")).status_code == 403


@pytest.mark.django_db
def test_user_without_role_sees_no_activity(client):
    user = factories.UserFactory(username="sansrole")
    client.force_login(user)
    assert "pas encore de rôle" in client.get(reverse("home")).content.decode()
    assert client.get(reverse("accompaniment:project_list")).status_code == 403
