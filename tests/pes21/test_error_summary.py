"""Issue #18, item 2: a refused form says so in the page title, opens on one summary of its errors
(announced, linking to each field), and the login form marks its fields invalid."""

import re

from django.urls import reverse

from tests import factories


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def test_a_refused_full_page_form_has_an_error_summary_linking_to_its_fields(staff_client):
    response = staff_client.post(reverse("accompaniment:holder_create"), {"last_name": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert _title(html).startswith("Erreur – ")
    summary = re.search(r'<div class="alert[^"]*"[^>]*data-error-summary.*?</div>', html, re.S)
    assert summary and 'role="alert"' in summary.group(0)
    assert '<a href="#id_last_name">Nom</a> : Ce champ est obligatoire.' in summary.group(0)
    assert 'id="id_last_name"' in html and 'aria-invalid="true"' in html


def test_a_form_not_sent_yet_has_neither_summary_nor_error_title(staff_client):
    html = staff_client.get(reverse("accompaniment:holder_create")).content.decode()
    assert "data-error-summary" not in html
    assert not _title(html).startswith("Erreur")


def test_a_refused_login_is_announced_and_marks_both_fields_invalid(client, db):
    factories.staff_user(username="claire")
    response = client.post(reverse("login"), {"username": "claire", "password": "faux"})
    html = response.content.decode()
    assert _title(html).startswith("Erreur – ")
    assert re.search(r'role="alert"[^>]*data-error-summary', html)
    for name in ("username", "password"):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in field


def test_a_login_page_not_sent_yet_marks_nothing_invalid(client, db):
    html = client.get(reverse("login")).content.decode()
    assert "aria-invalid" not in html
