"""The report page and the dashboard read figures computed once per data generation, and every
door that writes data (forms, import, erasure, restore, the public pages, follow-ups,
volunteers' time, the admin) makes the next page show the new figure."""

import datetime as dt
import io
import re

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Project
from followups.models import Outcome
from followups.services import follow_up_record
from pes21 import generation
from privacy.services import holder_anonymise
from public.services import attendance_record
from reporting import figure_cache, selectors
from reporting.models import CachedFigures
from reporting.registry import value
from tests import factories
from tests.public.conftest import filled

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


def _report(client, year: int | None = None):
    response = client.get(reverse("reporting:report", args=[year or _today().year]))
    assert response.status_code == 200
    return response


def _shown(client, key: str, year: int | None = None):
    """A figure as the report page shows it (the figures its templates read)."""
    return value(_report(client, year).context["figures"]._figures, key)


def _live(key: str):
    """The figure computed now, without the cache."""
    return value(figure_cache.json_ready(selectors.report_figures(_today().year)), key)


def _dashboard(client, key: str):
    response = client.get(reverse("reporting:dashboard"))
    assert response.status_code == 200
    return value(response.context["figures"]["current"], key)


@pytest.fixture
def counted(monkeypatch):
    """How many times the report's and the dashboard's figures were computed."""
    calls = {"report": 0, "dashboard": 0}
    report, dashboard = selectors.report_figures, selectors.dashboard_figures

    def count_report(year):
        calls["report"] += 1
        return report(year)

    def count_dashboard(today):
        calls["dashboard"] += 1
        return dashboard(today)

    monkeypatch.setattr(figure_cache, "report_figures", count_report)
    monkeypatch.setattr(figure_cache, "dashboard_figures", count_dashboard)
    return calls


def _tables_read(build) -> set[str]:
    with CaptureQueriesContext(connection) as queries:
        build()
    return {
        table
        for query in queries.captured_queries
        for table in re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', query["sql"])
    }


def test_every_table_the_figures_read_is_watched():
    factories.ProjectFactory(received_on=_today())
    read = _tables_read(lambda: selectors.report_figures(_today().year)) | _tables_read(
        lambda: (selectors.dashboard_figures(_today()), selectors.dashboard_follow_ups(_today()))
    )
    assert "accompaniment_project" in read
    assert read <= generation.watched_tables()


def test_the_second_view_computes_nothing_and_shows_the_same(staff_client, counted):
    factories.ProjectFactory(received_on=_today())
    first = _report(staff_client).context["figures"]._figures
    assert _report(staff_client).context["figures"]._figures == first
    staff_client.get(reverse("reporting:dashboard"))
    staff_client.get(reverse("reporting:dashboard"))
    staff_client.get(reverse("home"))
    assert counted == {"report": 1, "dashboard": 1}


def test_a_write_the_figures_do_not_read_keeps_the_cache(staff_client, counted):
    _report(staff_client)
    factories.staff_user(username="nouvelle")  # an account: no figure counts it
    _report(staff_client)
    assert counted["report"] == 1


def test_the_cache_keeps_one_row_per_year_and_one_dashboard_day(staff_client):
    year = _today().year
    for _ in range(3):
        factories.ProjectFactory(received_on=_today())
        _report(staff_client)
        _report(staff_client, year - 1)
        staff_client.get(reverse("reporting:dashboard"))
    figure_cache.live_dashboard(_today() - dt.timedelta(days=1))
    figure_cache.live_dashboard(_today())
    assert sorted(CachedFigures.objects.values_list("kind", "key")) == [
        ("rapport", str(year - 1)),
        ("rapport", str(year)),
        ("tableau_de_bord", _today().isoformat()),
    ]
    assert set(CachedFigures.objects.values_list("generation", flat=True)) == {generation.current()}


def test_figures_of_an_older_generation_never_replace_newer_ones(staff_client):
    _report(staff_client)
    stored = CachedFigures.objects.get(kind="rapport")
    figure_cache._store("rapport", stored.key, stored.generation - 1, {"vieux": 1}, 5)
    stored.refresh_from_db()
    assert "vieux" not in stored.figures


# --- Every door: the next page shows the new figure ------------------------------------------


def test_a_project_saved_by_the_form_shows_on_the_next_report_and_dashboard(staff_client, counted):
    holder = factories.HolderFactory()
    received = _shown(staff_client, "creation.projets_accueillis")
    dashboard = _dashboard(staff_client, "creation.projets_accueillis")
    response = staff_client.post(
        reverse("accompaniment:project_create"),
        {
            "submission_token": "c0ffee00-0000-4000-8000-000000000001",
            "version": "1",
            "name": "Recyclerie de l'Ouche",
            "holders": [holder.pk],
            "programme": "benefices_crea",
            "received_on": _today().strftime("%d/%m/%Y"),
            "status": "accueilli",
            "jobs_created": "",
        },
    )
    assert response.status_code == 302
    assert _shown(staff_client, "creation.projets_accueillis") == received + 1
    assert _dashboard(staff_client, "creation.projets_accueillis") == dashboard + 1


def test_an_edit_through_the_form_shows_on_the_next_report(staff_client):
    project = factories.ProjectFactory(received_on=_today(), status="accueilli")
    received = _shown(staff_client, "creation.projets_accueillis")
    last_year = _today().replace(year=_today().year - 1, day=1)
    response = staff_client.post(
        reverse("accompaniment:project_edit", args=[project.pk]),
        {
            "version": str(project.version),
            "name": project.name,
            "holders": [h.pk for h in project.holders.all()],
            "programme": project.programme,
            "received_on": last_year.strftime("%d/%m/%Y"),
            "status": "accueilli",
            "jobs_created": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert _shown(staff_client, "creation.projets_accueillis") == received - 1


def test_an_import_shows_on_the_next_report(staff_client, tmp_path):
    received = _shown(staff_client, "creation.projets_accueillis")
    day = _today().isoformat()
    (tmp_path / "porteurs.csv").write_text(
        "ref,last_name,first_name,email,phone,postal_code,commune,consent_on\n"
        f"P1,Perrin,Jules,jules@example.org,,21000,Dijon,{day}\n",
        encoding="utf-8",
    )
    (tmp_path / "projets.csv").write_text(
        "ref,name,holder_refs,programme,received_on,status\n"
        f"J1,Café,P1,benefices_crea,{day},accueilli\n",
        encoding="utf-8",
    )
    call_command("import_activity", str(tmp_path), stdout=io.StringIO())
    assert _shown(staff_client, "creation.projets_accueillis") == received + 1


def test_a_dry_run_import_changes_nothing_shown(staff_client, tmp_path, counted):
    _report(staff_client)
    day = _today().isoformat()
    (tmp_path / "porteurs.csv").write_text(
        "ref,last_name,first_name,email,phone,postal_code,commune,consent_on\n"
        f"P1,Perrin,Jules,jules@example.org,,21000,Dijon,{day}\n",
        encoding="utf-8",
    )
    call_command("import_activity", str(tmp_path), "--dry-run", stdout=io.StringIO())
    _report(staff_client)
    assert counted["report"] == 1


def test_an_erasure_takes_the_name_out_of_the_next_report(staff_client, director):
    holder = factories.HolderFactory(first_name="Éloïse", last_name="Vauthier-Kermarrec")
    action = factories.CollectiveActionFactory(
        date=_today(), series="osez_entreprendre", notes="Témoignage d'Éloïse Vauthier-Kermarrec"
    )
    action.attendees.set([holder])
    assert "Vauthier-Kermarrec" in _report(staff_client).content.decode()
    holder_anonymise(holder=holder, user=director, reason="Demande du 3 mars")
    assert "Vauthier-Kermarrec" not in _report(staff_client).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_restore_shows_the_restored_figures_on_the_next_report(tmp_path):
    client = Client()
    client.force_login(factories.staff_user(username="equipe"))
    factories.ProjectFactory(received_on=_today())
    before = _shown(client, "creation.projets_accueillis")
    archive = tmp_path / "sauvegarde.zip"
    call_command("backup", output=archive, stdout=io.StringIO())
    factories.ProjectFactory(received_on=_today())
    assert _shown(client, "creation.projets_accueillis") == before + 1

    call_command("restore", archive, yes=True, stdout=io.StringIO())
    client.force_login(factories.staff_user(username="equipe-2"))
    assert _shown(client, "creation.projets_accueillis") == before


def test_a_public_request_shows_on_the_next_report():
    staff = Client()
    staff.force_login(factories.staff_user(username="equipe"))
    received = _shown(staff, "creation.projets_accueillis")
    factories.director_user(username="claire", email="claire@pes21.example.org")
    response = Client().post(
        "/public/deposer-mon-projet/",
        filled(
            "project-request",
            first_name="Amina",
            last_name="Lefèvre",
            email="amina@example.org",
            phone="06 12 34 56 78",
            consent="on",
            kind="creation",
            project_name="La Musette",
            idea="Une épicerie vrac et solidaire.",
            postal_code="21000",
            commune="dijon",
            stage="projet",
            heard_from="evenement",
        ),
    )
    assert response.status_code == 200 and Project.objects.count() == 1
    assert _shown(staff, "creation.projets_accueillis") == received + 1


def test_attendance_marked_from_the_public_registrations_shows_on_the_next_report(
    staff_client,
):
    opening = factories.OpeningFactory(
        capacity=10,
        action__date=_today(),
        closes_on=_today() - dt.timedelta(days=1),
    )
    came = factories.RegistrationFactory(opening=opening, email="jules@example.org")
    key = "complements.sensibilisation.participants"
    participants = _shown(staff_client, key)
    attendance_record(
        opening=opening, present=[came.pk], choices={}, expected_version=opening.action.version
    )
    shown = _shown(staff_client, key)
    assert shown != participants
    assert shown == _live(key)


def test_a_follow_up_answer_shows_on_the_next_report(staff_client, staff):
    year = _today().year
    project = factories.ProjectFactory(
        status="cree", created_on=dt.date(year - 3, 3, 1), received_on=dt.date(year - 4, 1, 1)
    )
    key = "complements.creation.survie_3_ans.suivies"
    followed = _shown(staff_client, key)
    follow_up_record(
        project=project,
        years_after=3,
        user=staff,
        data={"outcome": Outcome.ACTIVE, "headcount": 2, "answered_on": _today()},
    )
    assert _shown(staff_client, key) == followed + 1


def test_a_volunteers_time_shows_on_the_next_report(volunteer_client, volunteer, staff_client):
    factories.VolunteerFactory(user=volunteer, joined_on=dt.date(2020, 1, 1))
    key = "complements.vie_associative.heures_par_mission"
    hours = _shown(staff_client, key)
    response = volunteer_client.post(
        reverse("volunteers:contribution_add"),
        {"date": _today().strftime("%d/%m/%Y"), "mission": "vie_associative", "duration": "2h"},
    )
    assert response.status_code == 302
    shown = _shown(staff_client, key)
    assert shown != hours
    assert shown == _live(key)


def test_the_admin_writes_nothing_the_figures_read():
    """The admin is read-only for every record a figure counts (the rulebook); what it can
    still change — accounts and groups — no figure reads. A write it made all the same would
    move the generation like any other statement."""
    watched = generation.watched_tables()
    request = RequestFactory().get("/")
    request.user = factories.UserFactory(is_superuser=True, is_staff=True)
    for model, model_admin in admin.site._registry.items():
        if model._meta.db_table not in watched:
            continue
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model


def test_an_account_changed_shows_on_the_next_report(staff_client):
    """The report's team is read live: a job title changed (in the admin) shows at once."""
    member = factories.staff_user(username="lea", first_name="Léa", last_name="Morel")
    member.job_title = "Chargée de mission"
    member.save()
    assert "Chargée de mission" in _report(staff_client).content.decode()
    member.job_title = "Coordinatrice"
    member.save()
    page = _report(staff_client).content.decode()
    assert "Coordinatrice" in page and "Chargée de mission" not in page


def test_a_migration_moves_the_generation():
    before = generation.current()
    call_command("migrate", verbosity=0)
    assert generation.current() > before
