"""The permission matrix: every URL pattern × every role, with the answer each must get.

Columns: anonymous, volunteer (owner of the taken case), another volunteer, staff, director.
"login" is the redirect to the login page. Write endpoints are exercised with an empty POST:
what matters here is who gets past the door, not the form. A new URL fails
`test_every_url_pattern_is_in_the_matrix` until its row is written here.
"""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.pes21.matrix_urls import ARGS
from tests.pes21.matrix_world import build_world
from tests.pes21.test_access import ALL_ROUTES

ROLES = ("anonymous", "volunteer", "other_volunteer", "staff", "director")

MATRIX = [
    ("accompaniment:action_create", "GET", ("login", 403, 403, 200, 200)),
    ("accompaniment:action_detail", "GET", ("login", 403, 403, 200, 200)),
    ("accompaniment:action_edit", "GET", ("login", 403, 403, 200, 200)),
    ("accompaniment:action_export", "GET", ("login", 403, 403, 200, 200)),
    ("accompaniment:action_list", "GET", ("login", 403, 403, 200, 200)),
    ("accompaniment:holder_create", "GET", ("login", 403, 403, 200, 200)),
    ("accompaniment:holder_detail", "GET", ("login", 403, 403, 200, 200)),
    ("accompaniment:holder_edit", "GET", ("login", 403, 403, 200, 200)),
    ("accompaniment:holder_export", "GET", ("login", 403, 403, 200, 200)),
    ("accompaniment:holder_list", "GET", ("login", 403, 403, 200, 200)),
    ("accompaniment:meeting_add", "POST", ("login", 403, 403, 200, 200)),
    ("accompaniment:meeting_edit", "GET", ("login", 403, 403, 200, 200)),
    ("accompaniment:project_close", "GET", ("login", 403, 403, 200, 200)),
    ("accompaniment:project_create", "GET", ("login", 403, 403, 200, 200)),
    ("accompaniment:project_detail", "GET", ("login", 403, 403, 200, 200)),
    ("accompaniment:project_edit", "GET", ("login", 403, 403, 200, 200)),
    ("accompaniment:project_export", "GET", ("login", 403, 403, 200, 200)),
    ("accompaniment:project_list", "GET", ("login", 403, 403, 200, 200)),
    ("accompaniment:project_start", "POST", ("login", 403, 403, 200, 200)),
    ("attachment_add", "POST", ("login", 403, 403, 302, 302)),
    ("attachment_download", "GET", ("login", 403, 403, 200, 200)),
    ("attachment_remove", "POST", ("login", 403, 403, 302, 302)),
    ("dla:collective_create", "GET", ("login", 403, 403, 200, 200)),
    ("dla:collective_detail", "GET", ("login", 403, 403, 200, 200)),
    ("dla:collective_edit", "GET", ("login", 403, 403, 200, 200)),
    ("dla:collective_join", "POST", ("login", 403, 403, 200, 200)),
    ("dla:collective_list", "GET", ("login", 403, 403, 200, 200)),
    ("dla:follow_ups", "GET", ("login", 403, 403, 200, 200)),
    ("dla:overview", "GET", ("login", 403, 403, 302, 302)),
    ("dla:overview_year", "GET", ("login", 403, 403, 200, 200)),
    ("dla:provider_create", "GET", ("login", 403, 403, 200, 200)),
    ("dla:provider_detail", "GET", ("login", 403, 403, 200, 200)),
    ("dla:provider_edit", "GET", ("login", 403, 403, 200, 200)),
    ("dla:provider_list", "GET", ("login", 403, 403, 200, 200)),
    ("dla:step_add", "POST", ("login", 403, 403, 200, 200)),
    ("dla:step_delete", "POST", ("login", 403, 403, 302, 302)),
    ("dla:step_edit", "GET", ("login", 403, 403, 200, 200)),
    ("dla:structure_create", "GET", ("login", 403, 403, 200, 200)),
    ("dla:structure_detail", "GET", ("login", 403, 403, 200, 200)),
    ("dla:structure_edit", "GET", ("login", 403, 403, 200, 200)),
    ("dla:structure_list", "GET", ("login", 403, 403, 200, 200)),
    ("dla:structure_export", "GET", ("login", 403, 403, 200, 200)),
    ("exchange:export", "POST", ("login", 403, 403, 200, 200)),
    ("exchange:import_check", "POST", ("login", 403, 403, 200, 200)),
    ("exchange:import_confirm", "POST", ("login", 403, 403, 302, 302)),
    ("exchange:index", "GET", ("login", 403, 403, 200, 200)),
    ("exchange:job", "GET", ("login", 403, 403, 404, 404)),
    ("exchange:job_retry", "POST", ("login", 403, 403, 404, 404)),
    ("exchange:sample", "GET", ("login", 403, 403, 200, 200)),
    ("notifications:account", "GET", ("login", 200, 200, 200, 200)),
    ("notifications:agenda", "GET", ("login", 403, 403, 200, 200)),
    # The feed's secret token is its only key (calendar applications cannot log in).
    ("notifications:calendar_feed", "GET", (200, 200, 200, 200, 200)),
    ("notifications:calendar_details", "POST", ("login", 403, 403, 302, 302)),
    ("notifications:calendar_remove", "POST", ("login", 403, 403, 302, 302)),
    ("notifications:calendar_renew", "POST", ("login", 403, 403, 302, 302)),
    ("followups:follow_up_edit", "GET", ("login", 403, 403, 200, 200)),
    # The matrix's project is not closed « créé »: it has no follow-ups to answer.
    ("followups:project_answer", "GET", ("login", 403, 403, 404, 404)),
    ("followups:structure_answer", "POST", ("login", 403, 403, 200, 200)),
    ("followups:todo", "GET", ("login", 403, 403, 200, 200)),
    ("generateur:action_add", "POST", ("login", 403, 403, 400, 400)),
    ("generateur:action_delete", "POST", ("login", 403, 403, 302, 302)),
    ("generateur:action_edit", "GET", ("login", 403, 403, 200, 200)),
    ("generateur:place_search", "GET", ("login", 403, 403, 200, 200)),
    ("generateur:project_change_phase", "POST", ("login", 403, 403, 400, 400)),
    ("generateur:project_create", "GET", ("login", 403, 403, 200, 200)),
    ("generateur:project_detail", "GET", ("login", 403, 403, 200, 200)),
    ("generateur:project_edit", "GET", ("login", 403, 403, 200, 200)),
    ("generateur:project_export", "GET", ("login", 403, 403, 200, 200)),
    ("generateur:project_list", "GET", ("login", 403, 403, 200, 200)),
    ("generateur:territory_create", "GET", ("login", 403, 403, 200, 200)),
    ("generateur:territory_detail", "GET", ("login", 403, 403, 200, 200)),
    ("generateur:territory_edit", "GET", ("login", 403, 403, 200, 200)),
    ("generateur:territory_list", "GET", ("login", 403, 403, 200, 200)),
    ("healthz", "GET", (200, 200, 200, 200, 200)),
    ("home", "GET", ("login", 200, 200, 200, 200)),
    ("login", "GET", (200, 200, 200, 200, 200)),
    ("logout", "POST", ("login", "login", "login", "login", "login")),
    ("password_change", "GET", ("login", 200, 200, 200, 200)),
    ("password_change_done", "GET", ("login", 200, 200, 200, 200)),
    ("password_reset", "GET", (200, 200, 200, 200, 200)),
    ("password_reset_complete", "GET", (200, 200, 200, 200, 200)),
    # A valid link stores its token in the session and moves to the password form.
    ("password_reset_confirm", "GET", (302, 302, 302, 302, 302)),
    ("password_reset_done", "GET", (200, 200, 200, 200, 200)),
    ("privacy:erase", "GET", ("login", 403, 403, 403, 200)),
    ("privacy:export", "GET", ("login", 403, 403, 403, 200)),
    ("privacy:retention", "GET", ("login", 403, 403, 403, 200)),
    # An empty POST names no field: refused as a bad request once past the door.
    ("picker", "POST", ("login", 403, 403, 400, 400)),
    # The public doors (public/): open to anyone, whoever is signed in.
    ("public:action", "GET", (200, 200, 200, 200, 200)),
    ("public:home", "GET", (200, 200, 200, 200, 200)),
    ("public:privacy", "GET", (200, 200, 200, 200, 200)),
    ("public:project_request", "GET", (200, 200, 200, 200, 200)),
    ("public:questionnaire", "GET", (200, 200, 200, 200, 200)),
    ("public:registration", "GET", (200, 200, 200, 200, 200)),
    ("public:registration_calendar", "GET", (200, 200, 200, 200, 200)),
    # What the staff do with them. An empty POST is refused with a message on the page it
    # came from; erasing a request's texts is the director's.
    ("public_staff:attendance", "POST", ("login", 403, 403, 302, 302)),
    ("public_staff:opening_edit", "GET", ("login", 403, 403, 200, 200)),
    ("public_staff:questionnaire_invite", "POST", ("login", 403, 403, 302, 302)),
    ("public_staff:registration_cancel", "POST", ("login", 403, 403, 302, 302)),
    ("public_staff:request_detail", "GET", ("login", 403, 403, 200, 200)),
    ("public_staff:request_erase", "POST", ("login", 403, 403, 403, 302)),
    ("public_staff:request_handled", "POST", ("login", 403, 403, 302, 302)),
    ("public_staff:request_list", "GET", ("login", 403, 403, 200, 200)),
    ("public_staff:request_use_holder", "POST", ("login", 403, 403, 302, 302)),
    ("reporting:dashboard", "GET", ("login", 403, 403, 200, 200)),
    ("reporting:edition_edit", "GET", ("login", 403, 403, 403, 200)),
    ("reporting:edition_edit_section", "GET", ("login", 403, 403, 403, 200)),
    ("reporting:edition_publish", "POST", ("login", 403, 403, 403, 302)),
    ("reporting:edition_reopen", "POST", ("login", 403, 403, 403, 302)),
    ("reporting:export", "GET", ("login", 403, 403, 200, 200)),
    ("reporting:focus_add", "GET", ("login", 403, 403, 403, 200)),
    ("reporting:focus_delete", "POST", ("login", 403, 403, 403, 302)),
    ("reporting:focus_edit", "GET", ("login", 403, 403, 403, 200)),
    ("reporting:image", "GET", ("login", 403, 403, 200, 200)),
    ("reporting:image_delete", "POST", ("login", 403, 403, 403, 302)),
    ("reporting:images", "GET", ("login", 403, 403, 403, 200)),
    ("reporting:index", "GET", ("login", 403, 403, 200, 200)),
    ("reporting:narrative_edit", "GET", ("login", 403, 403, 403, 200)),
    ("reporting:report", "GET", ("login", 403, 403, 200, 200)),
    ("reporting:report_pdf", "GET", ("login", 403, 403, 200, 200)),
    ("search", "GET", ("login", 403, 403, 200, 200)),
    # Nobody here has turned two-factor sign-in on: its code page sends them on.
    ("second_factor_verify", "GET", ("login", 302, 302, 302, 302)),
    ("second_factor", "GET", ("login", 200, 200, 200, 200)),
    ("second_factor_setup", "GET", ("login", 200, 200, 200, 200)),
    ("second_factor_codes", "POST", ("login", 302, 302, 302, 302)),
    ("second_factor_off", "POST", ("login", 302, 302, 302, 302)),
    ("volunteers:board", "GET", ("login", 200, 200, 403, 403)),
    ("volunteers:case_close", "POST", ("login", 403, 403, 302, 302)),
    ("volunteers:case_confirm", "POST", ("login", 403, 403, 302, 302)),
    ("volunteers:case_detail", "GET", ("login", 403, 403, 200, 200)),
    ("volunteers:case_list", "GET", ("login", 403, 403, 200, 200)),
    ("volunteers:case_open", "GET", ("login", 403, 403, 200, 200)),
    ("volunteers:case_release", "POST", ("login", 403, 403, 302, 302)),
    ("volunteers:case_take", "POST", ("login", 302, 302, 403, 403)),
    ("volunteers:contribution_add", "POST", ("login", 400, 400, 403, 403)),
    ("volunteers:my_case", "GET", ("login", 200, 404, 403, 403)),
    ("volunteers:my_space", "GET", ("login", 200, 200, 403, 403)),
    ("volunteers:volunteer_create", "GET", ("login", 403, 403, 200, 200)),
    ("volunteers:volunteer_detail", "GET", ("login", 403, 403, 200, 200)),
    ("volunteers:volunteer_edit", "GET", ("login", 403, 403, 200, 200)),
    ("volunteers:volunteer_invite", "POST", ("login", 403, 403, 302, 302)),
    ("volunteers:volunteer_list", "GET", ("login", 403, 403, 200, 200)),
]


def test_every_url_pattern_is_in_the_matrix():
    patterns = {name for _, name in ALL_ROUTES if name and not name.startswith("admin:")}
    assert patterns == {name for name, _, _ in MATRIX}


def _answer(response) -> int | str:
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return "login"
    return response.status_code


@pytest.mark.parametrize(("name", "method", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_each_role_gets_its_answer(db, settings, tmp_path, name, method, expected):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    url = reverse(name, args=ARGS[name](world) if name in ARGS else None)
    answers = []
    for role in ROLES:
        # Each role acts on the same untouched world.
        with transaction.atomic():
            client = Client()
            if role != "anonymous":
                client.force_login(world.users[role])
            response = client.get(url) if method == "GET" else client.post(url, {})
            answers.append(_answer(response))
            transaction.set_rollback(True)
    assert tuple(answers) == expected
