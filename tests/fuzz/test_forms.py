"""Issue #9: random values sent to every form never give an error 500 nor a partial write."""

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting.models import Focus
from tests import factories
from tests.factories import report_edition
from tests.fuzz.harness import HarvestedForm, changed_tables, harvest, snapshot, was_refused
from tests.fuzz.strategies import field_value, scalar
from volunteers.models import Case, CaseStatus, Mission

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
YEAR = 2022


@dataclass
class World:
    """One record of every kind, built once per test; each example rolls its writes back."""

    staff: object
    director: object
    volunteer_user: object
    objects: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.objects[key]


def _build_world(staff, director, volunteer) -> World:
    holder = factories.HolderFactory()
    project = factories.ProjectFactory(holders=[holder], referent=staff)
    meeting = factories.MeetingFactory(project=project)
    action = factories.CollectiveActionFactory()
    structure = factories.StructureFactory()
    step = factories.StepFactory(structure=structure, date=dt.date(YEAR, 6, 1))
    provider = factories.ProviderFactory()
    collective = factories.CollectiveEngineeringFactory(provider=provider)
    territory = factories.TerritoryFactory()
    t_project = factories.TerritorialProjectFactory(territory=territory)
    t_action = factories.TerritorialActionFactory(project=t_project)
    skill = factories.SkillFactory(name="juridique")
    profile = factories.VolunteerFactory(
        user=volunteer, email=volunteer.email, missions=[Mission.CO_ACCOMPANIMENT]
    )
    profile.skills.set([skill])
    other = factories.VolunteerFactory()
    open_case = Case.objects.create(
        project=project, description="Relire le budget.", expected_hours=6, opened_by=staff
    )
    open_case.skills.set([skill])
    taken_case = Case.objects.create(
        project=project,
        description="Préparer le dossier de financement.",
        expected_hours=4,
        status=CaseStatus.TAKEN,
        volunteer=profile,
        opened_by=staff,
    )
    edition = report_edition(year=YEAR)
    focus = Focus.objects.create(
        edition=edition, section=Focus._meta.get_field("section").choices[0][0], title="T", text="x"
    )
    # People past the retention period, so the bulk erasure page offers checkboxes.
    old_holder = factories.HolderFactory()
    factories.ProjectFactory(holders=[old_holder], received_on=dt.date(2005, 1, 1))
    factories.VolunteerFactory(joined_on=dt.date(2000, 1, 1), left_on=dt.date(2005, 1, 1))
    return World(
        staff=staff,
        director=director,
        volunteer_user=volunteer,
        objects={
            "holder": holder,
            "project": project,
            "meeting": meeting,
            "action": action,
            "structure": structure,
            "step": step,
            "provider": provider,
            "collective": collective,
            "territory": territory,
            "t_project": t_project,
            "t_action": t_action,
            "other_volunteer": other,
            "open_case": open_case,
            "taken_case": taken_case,
            "focus": focus,
        },
    )


def _ct(obj) -> int:
    return ContentType.objects.get_for_model(obj).pk


@dataclass
class Endpoint:
    name: str
    role: str  # "staff", "director" or "volunteer"
    post: Callable[[World], str]
    page: Callable[[World], str] | None = None  # where the form is shown; None: the post URL
    extra: tuple[str, ...] = ()  # names the page may not render (empty lists, hidden forms)
    refusable: bool = True  # False: every input is acceptable (filters, a one-button action)


def NO_PAGE(world: World) -> str:
    return ""


def u(name, *keys):
    return lambda w: reverse(name, args=[w[k].pk if isinstance(k, str) else k for k in keys])


ENDPOINTS = [
    # Accompaniment
    Endpoint("project_create", "staff", u("accompaniment:project_create")),
    Endpoint("project_edit", "staff", u("accompaniment:project_edit", "project")),
    Endpoint(
        "meeting_add",
        "staff",
        u("accompaniment:meeting_add", "project"),
        u("accompaniment:project_detail", "project"),
    ),
    Endpoint("meeting_edit", "staff", u("accompaniment:meeting_edit", "meeting")),
    Endpoint(
        "project_start",
        "staff",
        u("accompaniment:project_start", "project"),
        u("accompaniment:project_detail", "project"),
    ),
    Endpoint("project_close", "staff", u("accompaniment:project_close", "project")),
    Endpoint("holder_create", "staff", u("accompaniment:holder_create")),
    Endpoint("holder_edit", "staff", u("accompaniment:holder_edit", "holder")),
    Endpoint(
        "picker",
        "staff",
        lambda w: reverse("picker", args=["porteur"]),
        page=NO_PAGE,  # an htmx search field, not a <form>
        extra=("name", "holders_q", "multiple", "scope"),
    ),
    Endpoint("action_create", "staff", u("accompaniment:action_create")),
    Endpoint("action_edit", "staff", u("accompaniment:action_edit", "action")),
    Endpoint("project_filters", "staff", u("accompaniment:project_list"), refusable=False),
    Endpoint("search", "staff", u("search"), refusable=False),
    # DLA
    Endpoint("structure_create", "staff", u("dla:structure_create")),
    Endpoint("structure_edit", "staff", u("dla:structure_edit", "structure")),
    Endpoint(
        "step_add", "staff", u("dla:step_add", "structure"), u("dla:structure_detail", "structure")
    ),
    Endpoint("step_edit", "staff", u("dla:step_edit", "step")),
    Endpoint("provider_create", "staff", u("dla:provider_create")),
    Endpoint("provider_edit", "staff", u("dla:provider_edit", "provider")),
    Endpoint("collective_create", "staff", u("dla:collective_create")),
    Endpoint(
        "collective_join",
        "staff",
        u("dla:collective_join", "collective"),
        u("dla:collective_detail", "collective"),
    ),
    Endpoint("collective_edit", "staff", u("dla:collective_edit", "collective")),
    # Generateur
    Endpoint("territory_create", "staff", u("generateur:territory_create")),
    Endpoint("territory_edit", "staff", u("generateur:territory_edit", "territory")),
    Endpoint("t_project_create", "staff", u("generateur:project_create")),
    Endpoint("t_project_edit", "staff", u("generateur:project_edit", "t_project")),
    Endpoint(
        "t_project_phase",
        "staff",
        u("generateur:project_change_phase", "t_project"),
        u("generateur:project_detail", "t_project"),
    ),
    Endpoint(
        "t_action_add",
        "staff",
        u("generateur:action_add", "t_project"),
        u("generateur:project_detail", "t_project"),
    ),
    Endpoint(
        "t_action_edit",
        "staff",
        lambda w: reverse("generateur:action_edit", args=[w["t_project"].pk, w["t_action"].pk]),
    ),
    # Volunteers
    Endpoint("volunteer_create", "staff", u("volunteers:volunteer_create")),
    Endpoint("volunteer_edit", "staff", u("volunteers:volunteer_edit", "other_volunteer")),
    Endpoint("case_open", "staff", u("volunteers:case_open", "project")),
    Endpoint(
        "case_take",
        "volunteer",
        u("volunteers:case_take", "open_case"),
        u("volunteers:board"),
        extra=("next",),
        refusable=False,
    ),
    Endpoint(
        "contribution_add",
        "volunteer",
        u("volunteers:contribution_add"),
        u("volunteers:my_space"),
    ),
    Endpoint(
        "contribution_add_on_case",
        "volunteer",
        u("volunteers:contribution_add"),
        u("volunteers:my_case", "taken_case"),
    ),
    # Reporting and privacy: the director's
    Endpoint("edition_edit", "director", u("reporting:edition_edit", YEAR)),
    Endpoint("focus_add", "director", u("reporting:focus_add", YEAR)),
    Endpoint("focus_edit", "director", u("reporting:focus_edit", YEAR, "focus")),
    Endpoint(
        "erase_holder",
        "director",
        lambda w: reverse("privacy:erase", args=["porteur", w["holder"].pk]),
    ),
    Endpoint(
        "erase_volunteer",
        "director",
        lambda w: reverse("privacy:erase", args=["benevole", w["other_volunteer"].pk]),
    ),
    Endpoint(
        "retention",
        "director",
        u("privacy:retention"),
        extra=("holders", "volunteers", "confirm"),
    ),
    # Documents attached to records
    Endpoint(
        "attachment_project",
        "staff",
        lambda w: reverse("attachment_add", args=[_ct(w["project"]), w["project"].pk]),
        u("accompaniment:project_detail", "project"),
    ),
    Endpoint(
        "attachment_structure",
        "staff",
        lambda w: reverse("attachment_add", args=[_ct(w["structure"]), w["structure"].pk]),
        u("dla:structure_detail", "structure"),
    ),
]

FILE_NAMES = ["a.pdf", "a.txt", "a.csv", "a.exe", "a", "a.PDF", "é\x00.pdf", "../../x.txt", ""]
FILE_BODIES = [b"", b"%PDF-1.4 x", b"PK\x03\x04", b"\x00\xff" * 10, "é;ü\n".encode("latin-1")]


def upload_strategy():
    return st.builds(
        lambda name, body: SimpleUploadedFile(name or "x", body),
        st.one_of(st.sampled_from(FILE_NAMES), st.text(max_size=20)),
        st.one_of(st.sampled_from(FILE_BODIES), st.binary(max_size=64)),
    )


@pytest.fixture
def world(db, staff, director, volunteer, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    return _build_world(staff, director, volunteer)


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(
        {"staff": world.staff, "director": world.director, "volunteer": world.volunteer_user}[role]
    )
    return client


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
def test_random_values_never_crash_a_form_nor_write_when_refused(world, endpoint):
    client = _client(world, endpoint.role)
    post_url = endpoint.post(world)
    page_url = endpoint.page(world) if endpoint.page else post_url
    if page_url:
        page = client.get(page_url)
        assert page.status_code == 200, (page_url, page.status_code)
        form = harvest(page.content.decode(), page_url, post_url)
    else:
        form = HarvestedForm(action=post_url)
    names = list(form.fields) + [n for n in endpoint.extra if n not in form.fields]
    outcomes = {"refused": 0, "accepted": 0}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def run(data):
        payload = {}
        for name in names:
            # A browser omits unchecked boxes and empty multiple selects: so may we.
            if data.draw(st.integers(0, 9), label=f"omit {name}") == 0:
                continue
            payload[name] = data.draw(field_value(form.fields.get(name, [])), label=name)
        for name in form.files:
            if data.draw(st.booleans(), label=f"send {name}"):
                payload[name] = data.draw(upload_strategy(), label=name)
            else:
                payload[name] = data.draw(scalar(), label=name)
        with transaction.atomic():
            before = snapshot()
            # The test client re-raises a view's exception: a would-be error 500 fails here.
            response = client.post(post_url, payload)
            assert response.status_code < 500
            if was_refused(response):
                outcomes["refused"] += 1
                assert changed_tables(before, snapshot()) == [], payload
            else:
                outcomes["accepted"] += 1
            transaction.set_rollback(True)

    run()
    if endpoint.refusable:
        assert outcomes["refused"], f"{endpoint.name}: hostile values were never refused"
