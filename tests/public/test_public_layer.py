"""One public layer: no login, French, the association's name and contact, nothing of the staff
application reachable from it; and the staff application stays closed to the public and to
volunteers."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from public.models import new_token
from tests import factories
from tests.pes21.test_access import ALL_ROUTES

pytestmark = pytest.mark.django_db

# Where a public page may send someone: its own pages, its static files, a phone, an e-mail.
ALLOWED_TARGET = re.compile(r"^(/public/|/static/|mailto:|tel:|#|\?)")


def _public_pages() -> list[str]:
    opening = factories.OpeningFactory()
    token, hashed = new_token()
    factories.RegistrationFactory(opening=opening, token_hash=hashed)
    return [
        reverse("public:home"),
        reverse("public:privacy"),
        reverse("public:action", args=[opening.pk]),
        reverse("public:registration", args=[token]),
        reverse("public:project_request"),
        "/public/questionnaire/inconnu/",
    ]


@pytest.mark.parametrize("who", ["anonymous", "staff", "volunteer"])
def test_public_pages_link_only_to_the_public_layer(who, staff, volunteer):
    client = Client()
    if who != "anonymous":
        client.force_login({"staff": staff, "volunteer": volunteer}[who])
    for url in _public_pages():
        response = client.get(url)
        assert response.status_code in (200, 404), url
        html = response.content.decode()
        assert '<html lang="fr">' in html
        assert "Pôle d'Économie Solidaire 21" in html and "03 80 50 90 47" in html
        targets = re.findall(r'(?:href|action|src)="([^"]*)"', html)
        outside = [t for t in targets if t and not ALLOWED_TARGET.match(t)]
        assert not outside, (url, outside)
        # A signed-in staff member sees the public page as the public does.
        assert "Navigation principale" not in html and "Se déconnecter" not in html


def test_an_anonymous_visitor_gets_no_session(client):
    for url in _public_pages():
        client.get(url)
    assert "sessionid" not in client.cookies


STAFF_DOORS = sorted(name for _, name in ALL_ROUTES if name and name.startswith("public_staff:"))
SHOWN_PAGES = {
    "public_staff:request_list",
    "public_staff:request_detail",
    "public_staff:opening_edit",
}


def _ask(client: Client, name: str):
    url = reverse(name, args=[] if name == "public_staff:request_list" else [1])
    return client.get(url) if name in SHOWN_PAGES else client.post(url)


def test_the_staff_pages_of_the_public_doors_are_found():
    assert set(STAFF_DOORS) > SHOWN_PAGES


@pytest.mark.parametrize("name", STAFF_DOORS)
def test_the_staff_pages_refuse_the_public_and_volunteers(name, volunteer_client):
    anonymous = _ask(Client(), name)

    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    assert _ask(volunteer_client, name).status_code == 403


@pytest.mark.parametrize(
    "name",
    ["accompaniment:project_list", "accompaniment:holder_list", "reporting:index", "home"],
)
def test_the_staff_application_stays_closed_to_the_public(name, client):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
