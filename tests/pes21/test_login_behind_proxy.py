"""Behind the HTTPS proxy, a lockout is per (username, client) and ends when it says; reset
e-mails are throttled."""

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings):
    # What config/settings.py sets with BEHIND_PROXY=1 and TRUSTED_PROXIES=1.
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_ORDER = "left-most"
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.IPWARE_STRICT = False
    cache.clear()


def _login(client, client_address, password, forwarded=None):
    return client.post(
        reverse("login"),
        {"username": "direction", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded or client_address,
    )


@pytest.fixture
def director_account(db):
    return factories.director_user(username="direction")


def test_failures_from_one_client_do_not_lock_the_director_out_elsewhere(
    client, director_account, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        _login(client, "203.0.113.66", "mauvais")
    assert _login(client, "203.0.113.66", "motdepasse-test").status_code == 429

    response = _login(client, "198.51.100.7", "motdepasse-test")

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_a_forged_forwarded_for_cannot_pick_the_locked_address(client, director_account, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "203.0.113.66", "mauvais")

    # The attacker claims the director's address; the proxy appends the real one.
    response = _login(client, "", "mauvais", forwarded="198.51.100.7, 203.0.113.66")
    assert response.status_code == 429
    assert _login(client, "198.51.100.7", "motdepasse-test").status_code == 302


def test_attempts_during_the_lock_do_not_extend_it(client, director_account, settings):
    start = timezone.now()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "203.0.113.66", "mauvais")
    locked = _login(client, "203.0.113.66", "mauvais")
    until = locked.context["until"]

    again = _login(client, "203.0.113.66", "mauvais")

    assert again.context["until"] == until
    cool_off = dt.timedelta(minutes=settings.AXES_COOLOFF_TIME * 60)
    assert start + cool_off <= until <= timezone.now() + cool_off


def test_the_lockout_page_says_when_to_try_again_in_french(client, director_account, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "203.0.113.66", "mauvais")

    response = _login(client, "203.0.113.66", "motdepasse-test")

    page = response.content.decode()
    until = response.context["until"]
    assert response.status_code == 429
    assert "Vous pourrez réessayer à partir du" in page
    assert f"à {until:%H:%M}" in page
    assert until.tzinfo is not None and str(until.tzinfo) == "Europe/Paris"


def _reset(client, email, address="203.0.113.5"):
    return client.post(
        reverse("password_reset"),
        {"email": email},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


def test_reset_emails_to_one_address_are_throttled(client, settings):
    factories.staff_user(username="sophie", email="sophie@example.org")

    responses = [_reset(client, "sophie@example.org") for _ in range(6)]

    assert len(mail.outbox) == settings.PASSWORD_RESET_PER_ADDRESS
    # Whatever happens, the page is the same: it tells nobody whether an account exists.
    assert {r.status_code for r in responses} == {302}
    assert {r["Location"] for r in responses} == {reverse("password_reset_done")}


def test_one_client_cannot_ask_for_endless_resets(client, settings):
    settings.PASSWORD_RESET_PER_CLIENT = 4
    for index in range(4):
        factories.staff_user(username=f"u{index}", email=f"u{index}@example.org")
        _reset(client, f"u{index}@example.org")
    factories.staff_user(username="u9", email="u9@example.org")

    response = _reset(client, "u9@example.org")

    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    assert len(mail.outbox) == 4
    assert _reset(client, "u9@example.org", address="198.51.100.7").status_code == 302
    assert len(mail.outbox) == 5


def test_behind_proxy_settings_read_the_client_from_forwarded_for(tmp_path):
    import subprocess
    import sys

    from django.conf import settings as django_settings

    code = (
        "import config.settings as s; "
        "print(s.AXES_IPWARE_META_PRECEDENCE_ORDER, s.AXES_IPWARE_PROXY_COUNT, "
        "s.AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT)"
    )
    env = {"DEBUG": "1", "PES21_VAR_DIR": str(tmp_path), "BEHIND_PROXY": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env=env | {"TRUSTED_PROXIES": "2"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["('HTTP_X_FORWARDED_FOR',", "'REMOTE_ADDR')", "1", "False"]
    refused = subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env=env | {"TRUSTED_PROXIES": "0"},
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0 and "TRUSTED_PROXIES" in refused.stderr


def test_the_reset_request_does_the_same_work_whether_the_account_exists_or_not(client, settings):
    """The page's time must not tell who has an account (scripts/reset_timing.py measures it):
    the request queues one task for any address, the worker looks the account up and sends."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    factories.staff_user(username="sophie", email="sophie@example.org")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.models import DBTaskResult

    statements = {}
    for email in ("sophie@example.org", "personne@example.org"):
        with CaptureQueriesContext(connection) as queries:
            assert _reset(client, email).status_code == 302
        # The same statements, whatever the address (only their parameters differ).
        statements[email] = [query["sql"].split(" WHERE ")[0][:60] for query in queries]

    assert statements["sophie@example.org"] == statements["personne@example.org"]
    assert mail.outbox == []  # nothing sent while the person waits
    assert DBTaskResult.objects.count() == 2
    # What the worker does with each row (a real worker runs in tests/exchange/test_worker_process).
    for row in DBTaskResult.objects.order_by("enqueued_at"):
        row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
    assert [message.to for message in mail.outbox] == [["sophie@example.org"]]
