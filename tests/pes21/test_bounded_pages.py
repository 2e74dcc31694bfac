"""Every page bounded: the permission matrix's GET URLs, at two sizes of the same world.

The matrix world (one record of each kind) is measured, then grown with many more rows per
table (bulk_create): a project with hundreds of meetings, a structure with years of steps, a
holder in many actions, a volunteer's long record of time... Each page must make no more
queries than before, and no HTML page may exceed MAX_HTML_BYTES.
"""

import datetime as dt

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import CollectiveAction, Holder, Meeting, Project, StatusChange
from accompaniment.services import holders_last_contact_refresh
from dla.models import Step, Structure
from dla.views import STEPS_PER_PAGE
from generateur.models import TerritorialAction, TerritorialProject
from pes21.paging import TIMELINE_PAGE
from tests import factories
from tests.pes21.matrix_urls import ARGS
from tests.pes21.matrix_world import World, build_world
from tests.pes21.test_permission_matrix import MATRIX, ROLES
from volunteers.models import Case, Contribution, Volunteer

MAX_HTML_BYTES = 150 * 1024
GROWTH = 400  # rows added per table between the two measures
LONG_AGO = timezone.make_aware(dt.datetime(2009, 1, 1))


def _role_for(expected: tuple) -> str | None:
    """The first role the matrix lets through (200), preferring the director who sees most."""
    answers = dict(zip(ROLES, expected, strict=True))
    for role in ("director", "staff", "volunteer", "anonymous"):
        if answers[role] == 200:
            return role
    return None


PAGES = [
    (name, role)
    for name, method, expected in MATRIX
    if method == "GET" and (role := _role_for(expected))
]


def _days(n: int) -> dt.date:
    return dt.date(2010, 1, 1) + dt.timedelta(days=n * 9)


def _grow(world: World, n: int) -> None:
    """Many more rows in every table the pages list, hung on the world's own records too."""
    project, holder, structure = world["project"], world["holder"], world["structure"]
    holders = Holder.objects.bulk_create(
        Holder(last_name=f"Porteur {i}", first_name="Jeanne", commune="Dijon") for i in range(n)
    )
    # Long gone, so the retention page lists them too.
    Holder.objects.filter(pk__in=[h.pk for h in holders]).update(created_at=LONG_AGO)
    projects = Project.objects.bulk_create(
        Project(name=f"Projet {i}", received_on=_days(i), status="accompagne", started_on=_days(i))
        for i in range(n)
    )
    Project.holders.through.objects.bulk_create(
        Project.holders.through(project_id=p.pk, holder_id=h.pk)
        for p, h in zip(projects, holders, strict=True)
    )
    Meeting.objects.bulk_create(
        Meeting(project=project, date=_days(i), duration_minutes=60, notes=f"Rendez-vous {i}")
        for i in range(n)
    )
    StatusChange.objects.bulk_create(
        StatusChange(project=project, status="accompagne", changed_on=_days(i)) for i in range(n)
    )
    actions = CollectiveAction.objects.bulk_create(
        CollectiveAction(date=_days(i), kind="atelier", title=f"Atelier {i}", participants=5)
        for i in range(n)
    )
    CollectiveAction.attendees.through.objects.bulk_create(
        CollectiveAction.attendees.through(collectiveaction_id=a.pk, holder_id=holder.pk)
        for a in actions
    )
    structures = Structure.objects.bulk_create(
        Structure(name=f"Structure {i}", commune="Beaune") for i in range(n)
    )
    Step.objects.bulk_create(
        Step(structure=structure, kind="accueil", date=_days(i), notes=f"Étape {i}")
        for i in range(n)
    )
    Step.objects.bulk_create(
        Step(
            structure=s,
            kind="ingenierie_collective",
            collective=world["collective"],
            date=_days(i),
            provider=world["provider"],
        )
        for i, s in enumerate(structures[:60])
    )
    territorial = world["territorial"]
    TerritorialProject.objects.bulk_create(
        TerritorialProject(
            territory=world["territory"], name=f"Territoire {i}", started_on=_days(i)
        )
        for i in range(n)
    )
    TerritorialAction.objects.bulk_create(
        TerritorialAction(project=territorial, date=_days(i), kind="atelier", participants=3)
        for i in range(n)
    )
    Volunteer.objects.bulk_create(
        Volunteer(last_name=f"Bénévole {i}", first_name="Paul", joined_on=_days(i))
        for i in range(n)
    )
    Case.objects.bulk_create(
        Case(project=p, description=f"Besoin {i}", opened_by=world.users["staff"])
        for i, p in enumerate(projects)
    )
    Contribution.objects.bulk_create(
        Contribution(
            volunteer=world["volunteer"],
            case=world["taken_case"],
            mission="co_accompagnement",
            date=_days(i),
            minutes=30,
        )
        for i in range(n)
    )
    holders_last_contact_refresh()


def _urls(world: World) -> dict[str, str]:
    return {
        name: reverse(name, args=ARGS[name](world) if name in ARGS else None) for name, _ in PAGES
    }


def _measure(world: World, urls: dict[str, str]) -> dict[str, tuple[int, int, bool]]:
    """Per URL name: (queries, bytes, is HTML), each page seen on an untouched world."""
    figures = {}
    for name, role in PAGES:
        url = urls[name]
        with transaction.atomic():
            client = Client()
            if role != "anonymous":
                client.force_login(world.users[role])
            client.get(url)  # a first visit may create what later ones read (an edition)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            transaction.set_rollback(True)
        assert response.status_code == 200, (name, response.status_code)
        html = response.get("Content-Type", "").startswith("text/html")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        figures[name] = (len(queries), len(body), html)
    return figures


def test_every_page_is_bounded_at_two_sizes(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    urls = _urls(world)
    # A few rows of each kind first, so that both sizes show every kind of row.
    _grow(world, 3)
    small = _measure(world, urls)
    _grow(world, GROWTH)
    large = _measure(world, urls)
    growing = {
        name: (small[name][0], large[name][0]) for name in small if large[name][0] > small[name][0]
    }
    oversized = {
        name: large[name][1] // 1024
        for name in large
        if large[name][2] and max(large[name][1], small[name][1]) > MAX_HTML_BYTES
    }
    assert not growing, f"queries (small, large): {growing}"
    assert not oversized, f"KB: {oversized}"


def test_the_growth_reaches_the_world_s_own_pages(db, settings, tmp_path):
    # The measure means something only if the grown rows show on the measured pages.
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    _grow(world, 30)
    client = Client()
    client.force_login(world.users["director"])
    project_page = client.get(reverse("accompaniment:project_detail", args=[world["project"].pk]))
    assert "Rendez-vous 29" in project_page.content.decode()
    structure_page = client.get(reverse("dla:structure_detail", args=[world["structure"].pk]))
    assert structure_page.content.decode().count("Accueil") >= 10
    holder_page = client.get(reverse("accompaniment:holder_detail", args=[world["holder"].pk]))
    assert "Atelier 29" in holder_page.content.decode()


def test_long_timelines_open_on_their_latest_entries_and_page_back(staff_client):
    project = factories.ProjectFactory()
    Meeting.objects.bulk_create(
        Meeting(project=project, date=_days(i), duration_minutes=30, notes=f"Note n°{i:03d}")
        for i in range(TIMELINE_PAGE + 5)
    )
    url = reverse("accompaniment:project_detail", args=[project.pk])
    latest = staff_client.get(url).content.decode()
    assert f"Note n°{TIMELINE_PAGE + 4:03d}" in latest and "Note n°000" not in latest
    assert "historique=2#timeline-title" in latest
    oldest = staff_client.get(url, {"historique": 2}).content.decode()
    assert "Note n°000" in oldest and f"Note n°{TIMELINE_PAGE + 4:03d}" not in oldest

    structure = factories.StructureFactory()
    Step.objects.bulk_create(
        Step(structure=structure, kind="accueil", date=_days(i), notes=f"Étape n°{i:03d}")
        for i in range(STEPS_PER_PAGE + 5)
    )
    url = structure.get_absolute_url()
    latest = staff_client.get(url).content.decode()
    assert f"Étape n°{STEPS_PER_PAGE + 4:03d}" in latest and "Étape n°000" not in latest
    assert "etapes=1#parcours" in latest
    assert "Étape n°000" in staff_client.get(url, {"etapes": 1}).content.decode()
