import datetime as dt
import itertools

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_with_a_french_message(client, settings):
    factories.staff_user(username="sophie")
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "sophie", "password": "mauvais"})
    response = client.post(url, {"username": "sophie", "password": "motdepasse-test"})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_success_before_the_limit_resets_the_count(client, settings):
    factories.staff_user(username="sophie")
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(url, {"username": "sophie", "password": "mauvais"})
    response = client.post(url, {"username": "sophie", "password": "motdepasse-test"})
    assert response.status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(url, {"username": "sophie", "password": "mauvais"})
    assert (
        client.post(url, {"username": "sophie", "password": "motdepasse-test"}).status_code == 302
    )


# --- Wrong old passwords in « Changer mon mot de passe » ----------------------------------


def _change(client, old, new="Un-nouveau-mot-de-passe-42"):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


@pytest.mark.django_db
def test_the_password_change_refuses_even_the_right_old_password_after_the_limit(client, settings):
    user = factories.staff_user(username="sophie")
    client.force_login(user)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert _change(client, "mauvais").status_code == 200

    response = _change(client, "motdepasse-test")

    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("motdepasse-test")


@pytest.mark.django_db
def test_a_few_wrong_old_passwords_then_the_right_one_changes_it(client, settings):
    user = factories.staff_user(username="sophie")
    client.force_login(user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _change(client, "mauvais")
    # Errors on the new password are not guesses of the old one: they do not count.
    _change(client, "motdepasse-test", new="court")

    assert _change(client, "motdepasse-test").status_code == 302
    user.refresh_from_db()
    assert user.check_password("Un-nouveau-mot-de-passe-42")


@pytest.mark.django_db
def test_one_accounts_wrong_old_passwords_do_not_hold_back_another(client, settings):
    factories.staff_user(username="intrus")
    client.force_login(factories.staff_user(username="autre"))
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _change(client, "mauvais")
    other = Client()
    other.force_login(factories.staff_user(username="sophie"))

    assert _change(other, "motdepasse-test").status_code == 302


# --- Attackers with many addresses --------------------------------------------------------


def _login_from(address, password, username="direction"):
    return Client().post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves: throttle windows and the login's delays read it."""
    now = {"value": dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)}
    monkeypatch.setattr(timezone, "now", lambda: now["value"])

    def advance(seconds: float) -> None:
        now["value"] += dt.timedelta(seconds=seconds)

    return advance


@pytest.mark.django_db
def test_addresses_of_one_ipv6_64_share_one_lock(settings):
    factories.director_user(username="direction")
    answers = [_login_from(f"2001:db8:1:2::{n:x}", "mauvais").status_code for n in range(40)]

    # The limit-th failure already answers with the lockout page, as from one address.
    limit = settings.AXES_FAILURE_LIMIT
    assert answers[: limit - 1] == [200] * (limit - 1) and set(answers[limit - 1 :]) == {429}
    assert _login_from("2001:db8:1:2::ffff", "motdepasse-test").status_code == 429
    # Another subscriber's block is not locked.
    assert _login_from("2001:db8:1:3::1", "motdepasse-test").status_code == 302


def _addresses():
    """A new IPv4 address for each try: an attacker with a botnet."""
    return (f"198.51.{n // 250}.{n % 250 + 1}" for n in itertools.count())


@pytest.mark.django_db
def test_an_attacker_rotating_addresses_is_slowed_on_that_account(settings, clock):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 10
    factories.director_user(username="direction")
    addresses = _addresses()
    answers = [_login_from(next(addresses), "mauvais") for _ in range(40)]

    slowed = ["Réessayez à partir de" in a.content.decode() for a in answers]
    assert slowed == [False] * settings.LOGIN_ACCOUNT_FAILURE_LIMIT + [True] * 30
    # Even the right password is not checked before the delay has passed.
    response = _login_from(next(addresses), "motdepasse-test")
    assert "Réessayez à partir de" in response.content.decode()
    assert "_auth_user_id" not in response.client.session
    # Another account is not slowed.
    factories.staff_user(username="sophie")
    assert _login_from(next(addresses), "motdepasse-test", "sophie").status_code == 302


def _wait_announced(response) -> dt.timedelta:
    message = response.context["form"].errors["__all__"][0]
    assert "Réessayez à partir de" in message, message
    hours, minutes, seconds = (int(p) for p in message.rsplit(" ", 1)[-1].rstrip(".").split(":"))
    now = timezone.localtime(timezone.now())
    return now.replace(hour=hours, minute=minutes, second=seconds) - now


@pytest.mark.django_db
def test_the_delay_grows_with_the_failures_and_lets_one_try_through(settings, clock):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 10
    factories.director_user(username="direction")
    addresses = _addresses()
    for _ in range(settings.LOGIN_ACCOUNT_FAILURE_LIMIT):
        _login_from(next(addresses), "mauvais")

    waits = []
    for _ in range(8):
        wait = _wait_announced(_login_from(next(addresses), "mauvais"))
        waits.append(wait)
        clock(wait.total_seconds())
        # Once the wait is over, one try is checked (and fails); the next is slowed again.
        response = _login_from(next(addresses), "mauvais")
        assert "Réessayez" not in response.content.decode()

    assert waits == sorted(waits) and waits[-1] >= waits[0] * 16
    assert waits[-1] <= dt.timedelta(seconds=settings.LOGIN_ACCOUNT_MAX_DELAY_SECONDS)
    clock(_wait_announced(_login_from(next(addresses), "mauvais")).total_seconds())
    assert _login_from(next(addresses), "motdepasse-test").status_code == 302


@pytest.mark.django_db
def test_the_director_is_never_slowed_where_she_signed_in_before(settings, clock):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 10
    factories.director_user(username="direction")
    assert _login_from("192.0.2.10", "motdepasse-test").status_code == 302
    addresses = _addresses()
    for _ in range(60):
        _login_from(next(addresses), "mauvais")
    assert "Réessayez" in _login_from(next(addresses), "motdepasse-test").content.decode()

    assert _login_from("192.0.2.10", "motdepasse-test").status_code == 302
