import pytest
from django.urls import reverse

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
