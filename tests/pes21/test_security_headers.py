"""Every page under a Content-Security-Policy it can live with, and no copy of a signed-in
page kept by a browser or proxy."""

import re

from django.test import Client
from django.urls import reverse

from tests.pes21.matrix_urls import ARGS
from tests.pes21.matrix_world import build_world
from tests.pes21.test_permission_matrix import MATRIX, ROLES

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE = re.compile(r"<style\b|<[^>]+\sstyle\s*=", re.IGNORECASE)


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in header.split(";") if part.strip()
    )


def test_the_policy_allows_this_site_only_and_no_inline_code(client, db):
    policy = _policy(client.get(reverse("login")))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert all("unsafe" not in value for value in policy.values())


def test_every_page_carries_the_policy_no_store_and_nothing_inline(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    checked = []
    for name, method, expected in MATRIX:
        if method != "GET" or 200 not in expected:
            continue
        role = next(r for r, answer in zip(ROLES, expected, strict=True) if answer == 200)
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        response = client.get(reverse(name, args=ARGS[name](world) if name in ARGS else None))
        assert response.status_code == 200, name
        assert "Content-Security-Policy" in response, name
        if role != "anonymous":
            assert "no-store" in response.get("Cache-Control", ""), name
        if response["Content-Type"].startswith("text/html"):
            html = response.content.decode()
            assert not INLINE_SCRIPT.search(html), (name, INLINE_SCRIPT.search(html).group(0))
            assert not EVENT_HANDLER.search(html), (name, EVENT_HANDLER.search(html).group(0))
            assert not STYLE.search(html), (name, STYLE.search(html).group(0))
        checked.append(name)
    # Pages, CSV/PDF downloads and the RGPD export alike.
    assert {"accompaniment:holder_export", "privacy:export", "exchange:index"} <= set(checked)


def _assert_nothing_inline(html: str) -> None:
    for pattern in (INLINE_SCRIPT, EVENT_HANDLER, STYLE):
        assert not pattern.search(html), pattern.search(html).group(0)


def test_the_import_pages_in_progress_and_with_a_report_have_nothing_inline(staff_client, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from exchange.models import ImportJob

    job = ImportJob.objects.create(
        user=staff,
        dry_run=True,
        filename="a.zip",
        state=ImportJob.State.RUNNING,
        progress=40,
        stage="Vérification",
        heartbeat_at=timezone.now(),
    )
    running = staff_client.get(reverse("exchange:job", args=[job.pk]))
    _assert_nothing_inline(running.content.decode())
    assert 'value="40"' in running.content.decode()

    upload = SimpleUploadedFile("porteurs.csv", b"ref,last_name,first_name\np1,,\np1,A,B\n")
    checked = staff_client.post(reverse("exchange:import_check"), {"file": upload}, follow=True)
    assert "problème" in checked.content.decode()
    _assert_nothing_inline(checked.content.decode())
