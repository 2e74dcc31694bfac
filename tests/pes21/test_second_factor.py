"""Two-factor sign-in: turned on from « Mon compte », asked after the password, required by a
setting for the team, reset by an administrator; no page opens with the password alone."""

import re
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from pes21.models import User
from tests import factories
from tests.pes21.matrix_urls import ARGS
from tests.pes21.matrix_world import build_world
from tests.pes21.test_permission_matrix import MATRIX, ROLES

pytestmark = pytest.mark.django_db

VERIFY = "/compte/verification/"


def _sign_in(client: Client, username: str) -> None:
    response = client.post(reverse("login"), {"username": username, "password": "motdepasse-test"})
    assert response.status_code == 302, "the password is right"


def _secret(page: str) -> str:
    return re.search(r'id="secret">([A-Z2-7 ]+)<', page).group(1)


def test_turning_it_on_shows_a_qr_code_drawn_by_the_app_then_backup_codes(client):
    user = factories.staff_user(username="sophie")
    _sign_in(client, "sophie")

    page = client.get(reverse("second_factor_setup")).content.decode()

    # The QR code is an image of this page (a data: URI the CSP allows), no other service.
    assert re.search(r'<img class="second-factor-qr[^"]*" src="data:image/svg\+xml', page)
    image = unquote(re.search(r'src="data:image/svg\+xml;charset=utf-8,([^"]+)"', page).group(1))
    assert "<svg" in image and "href" not in image and "<style" not in image
    response = client.post(
        reverse("second_factor_setup"), {"code": factories.totp_code(_secret(page))}
    )
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    user.refresh_from_db()
    assert user.second_factor
    # The session that turned it on is signed in with it.
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_turns_nothing_on(client):
    user = factories.staff_user(username="sophie")
    _sign_in(client, "sophie")
    client.get(reverse("second_factor_setup"))

    response = client.post(reverse("second_factor_setup"), {"code": "000000"})

    assert "Ce code ne convient pas" in response.content.decode()
    user.refresh_from_db()
    assert not user.second_factor
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_reloading_the_setup_page_keeps_the_secret_already_scanned(client):
    factories.staff_user(username="sophie")
    _sign_in(client, "sophie")

    first = _secret(client.get(reverse("second_factor_setup")).content.decode())
    again = _secret(client.get(reverse("second_factor_setup")).content.decode())

    assert first == again


def _answer(response) -> str | int:
    if response.status_code == 302 and response["Location"].startswith(VERIFY):
        return "code"
    return response.status_code


def test_with_two_factor_no_page_opens_with_the_password_alone(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    for role in ("staff", "director", "volunteer"):
        factories.with_second_factor(world.users[role])
    # Public pages stay public; signing out and the code page itself are open.
    pages = [
        (name, method, reverse(name, args=ARGS[name](world) if name in ARGS else None))
        for name, method, expected in MATRIX
        if expected[ROLES.index("anonymous")] == "login"
        and name not in ("logout", "second_factor_verify")
    ]
    for role in ("staff", "volunteer"):
        client = Client()
        _sign_in(client, world.users[role].username)
        for name, method, url in pages:
            response = client.get(url) if method == "GET" else client.post(url, {})
            assert _answer(response) == "code", (role, name)
        assert _answer(client.get("/admin/")) == "code"


def test_an_htmx_request_is_sent_to_the_code_page_as_a_whole_page(client):
    user = factories.staff_user(username="sophie")
    factories.with_second_factor(user)
    _sign_in(client, "sophie")

    response = client.post(reverse("search"), {"q": "x"}, HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"] == VERIFY


def test_the_code_page_leads_on_to_the_page_asked_for(client):
    user = factories.staff_user(username="sophie")
    device, _ = factories.with_second_factor(user)
    _sign_in(client, "sophie")
    asked = client.get(reverse("accompaniment:project_list"))
    assert asked["Location"] == f"{VERIFY}?next=%2Faccompagnement%2Fprojets%2F"
    page = client.get(asked["Location"]).content.decode()
    assert "Vérification en deux étapes" in page and "Navigation principale" in page
    assert 'href="/accompagnement/' not in page  # no menu of pages it cannot open yet

    response = client.post(
        VERIFY, {"code": factories.totp_code(device), "next": "/accompagnement/projets/"}
    )

    assert response["Location"] == "/accompagnement/projets/"
    assert client.get(reverse("accompaniment:project_list")).status_code == 200


def test_the_code_page_never_leads_to_another_site(client):
    user = factories.staff_user(username="sophie")
    device, _ = factories.with_second_factor(user)
    _sign_in(client, "sophie")

    response = client.post(
        VERIFY, {"code": factories.totp_code(device), "next": "https://ailleurs.example/"}
    )

    assert response["Location"] == "/"


def test_a_backup_code_signs_in_once(client):
    user = factories.staff_user(username="sophie")
    _, codes = factories.with_second_factor(user)
    _sign_in(client, "sophie")

    response = client.post(VERIFY, {"code": codes[0].upper()}, follow=True)

    assert "il vous en reste 2" in response.content.decode()
    assert client.get(reverse("home")).status_code == 200
    other = Client()
    _sign_in(other, "sophie")
    again = other.post(VERIFY, {"code": codes[0]})
    assert "Ce code ne convient pas" in again.content.decode()
    assert _answer(other.get(reverse("home"))) == "code"


def test_wrong_codes_make_the_next_one_wait(client):
    user = factories.staff_user(username="sophie")
    device, _ = factories.with_second_factor(user)
    _sign_in(client, "sophie")
    client.post(VERIFY, {"code": "000000"})

    # Even the right code is not checked before the wait is over.
    response = client.post(VERIFY, {"code": factories.totp_code(device)})

    assert "Trop de codes erronés" in response.content.decode()
    assert _answer(client.get(reverse("home"))) == "code"


def test_by_default_the_password_alone_signs_the_demo_accounts_in(client):
    factories.director_user(username="direction")
    _sign_in(client, "direction")
    assert client.get(reverse("home")).status_code == 200


def test_the_setting_makes_the_team_turn_it_on_before_any_page(client, settings):
    settings.TWO_FACTOR_REQUIRED = True
    factories.staff_user(username="sophie")
    _sign_in(client, "sophie")

    response = client.get(reverse("accompaniment:project_list"))

    assert response["Location"].startswith(reverse("second_factor_setup"))
    page = client.get(response["Location"]).content.decode()
    assert "obligatoire pour votre compte" in page
    client.post(reverse("second_factor_setup"), {"code": factories.totp_code(_secret(page))})
    assert client.get(reverse("accompaniment:project_list")).status_code == 200
    # It cannot be turned off where it is required.
    client.post(reverse("second_factor_off"))
    assert User.objects.get(username="sophie").second_factor


def test_the_setting_leaves_volunteers_free(client, settings):
    settings.TWO_FACTOR_REQUIRED = True
    factories.volunteer_user(username="marc")
    _sign_in(client, "marc")
    assert client.get(reverse("volunteers:my_space")).status_code == 200


def test_a_person_may_turn_it_off_and_make_new_backup_codes(client):
    user = factories.staff_user(username="sophie")
    device, codes = factories.with_second_factor(user)
    _sign_in(client, "sophie")
    client.post(VERIFY, {"code": factories.totp_code(device)})

    page = client.post(reverse("second_factor_codes")).content.decode()
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(new) == 10 and not set(new) & set(codes)
    client.post(reverse("second_factor_off"))

    user.refresh_from_db()
    assert not user.second_factor and not TOTPDevice.objects.filter(user=user).exists()
    other = Client()
    _sign_in(other, "sophie")
    assert other.get(reverse("home")).status_code == 200


def test_the_administrator_resets_a_lost_second_factor(client):
    admin = User.objects.create_superuser("admin", "admin@example.org", "motdepasse-test")
    admin_device, _ = factories.with_second_factor(admin)
    user = factories.staff_user(username="sophie")
    factories.with_second_factor(user)
    _sign_in(client, "admin")
    client.post(VERIFY, {"code": factories.totp_code(admin_device)})

    response = client.post(
        reverse("admin:pes21_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [user.pk]},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.second_factor and not TOTPDevice.objects.filter(user=user).exists()
    other = Client()
    _sign_in(other, "sophie")
    assert other.get(reverse("home")).status_code == 200
    # The devices' own admin pages (which show the secrets) are not there.
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
