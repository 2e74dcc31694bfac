"""Issue 28: a staff member's home page is their desk. It lists their overdue next step and a
structure's follow-up due, each one click from its record; the navigation fits on one line."""

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories
from tests.browser_fixtures import login, phone_and_desktop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@phone_and_desktop
def test_the_desk_lists_my_overdue_next_step_and_follow_up_each_linking_to_its_record(
    page, shots, live_server
):
    staff = factories.staff_user(username="sbaudemont", first_name="Sophie")
    colleague = factories.staff_user(username="proux")
    today = timezone.localdate()
    late = factories.ProjectFactory(
        name="Épicerie solidaire Quetigny",
        referent=staff,
        status="accompagne",
        started_on=today - dt.timedelta(days=120),
        next_step="Relire le budget",
        next_step_on=today - dt.timedelta(days=4),
    )
    factories.ProjectFactory(
        name="Projet d'un collègue",
        referent=colleague,
        status="accompagne",
        started_on=today - dt.timedelta(days=120),
        next_step_on=today - dt.timedelta(days=4),
    )
    created = factories.ProjectFactory(
        name="Recyclerie Beaune",
        referent=staff,
        status="cree",
        started_on=today - dt.timedelta(days=900),
        ended_on=today - dt.timedelta(days=372),
        created_on=today - dt.timedelta(days=372),
    )
    login(page, live_server, "sbaudemont")
    shots.take("bureau")

    late_section = page.get_by_role("region", name="Prochaines étapes en retard")
    assert late_section.get_by_text("en retard").first.is_visible()
    assert late_section.get_by_text("Relire le budget").is_visible()
    assert page.get_by_text("Projet d'un collègue").count() == 0
    late_section.get_by_role("link", name="Épicerie solidaire Quetigny").click()
    page.wait_for_load_state()
    assert page.url.endswith(late.get_absolute_url())
    assert page.get_by_role("heading", name="Épicerie solidaire Quetigny").first.is_visible()

    page.go_back()
    follow_ups = page.get_by_role("region", name="Suivis de structures à faire")
    assert follow_ups.get_by_text("Suivi à 1 an").is_visible()
    follow_ups.get_by_role("link", name="Recyclerie Beaune").click()
    page.wait_for_load_state()
    assert page.url.endswith(created.get_absolute_url() + "#suivis")
    shots.take("fiche-du-suivi")


def test_the_navigation_fits_on_one_line_at_1366_px(page, live_server):
    # The demo's staff member: her name in the bar's account menu, as on the demo.
    factories.staff_user(username="sbaudemont", first_name="Sophie", last_name="Baudemont")
    login(page, live_server, "sbaudemont")
    page.set_viewport_size({"width": 1366, "height": 900})
    tops = page.locator("#nav-main .nav-link").evaluate_all(
        "links => links.map(l => Math.round(l.getBoundingClientRect().top))"
    )
    heights = page.locator("#nav-main .navbar-nav:first-child .nav-link").evaluate_all(
        "links => links.map(l => Math.round(l.getBoundingClientRect().height))"
    )
    assert len(set(tops)) == 1, tops
    # « Rapport d'activité » on one line: as tall as « DLA ».
    assert len(set(heights)) == 1, heights
