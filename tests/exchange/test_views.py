import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Holder, Project
from exchange.formats import FILES
from exchange.models import ImportJob, ImportUpload

from .conftest import SAMPLE, counts, read_rows

pytestmark = pytest.mark.django_db


def _sample_zip(edit=None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(SAMPLE.glob("*.csv")):
            content = path.read_bytes()
            if edit:
                content = edit(path.name, content)
            archive.writestr(path.name, content)
    return SimpleUploadedFile("activite 2022.zip", buffer.getvalue(), "application/zip")


def _check(client, upload):
    """Post a file to check; follow to the job page, which shows the finished report."""
    return client.post(reverse("exchange:import_check"), {"file": upload}, follow=True)


def _token(response) -> str:
    """What the confirmation form posts: the check's job."""
    assert response.context["confirmable"]
    return str(response.context["job"].pk)


def _stored_uploads() -> list:
    return list(ImportUpload.objects.all())


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("exchange:index", "get"),
        ("exchange:import_check", "post"),
        ("exchange:import_confirm", "post"),
        ("exchange:export", "post"),
        ("exchange:sample", "get"),
    ],
)
def test_volunteer_gets_403(volunteer_client, name, method):
    response = getattr(volunteer_client, method)(reverse(name))

    assert response.status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("exchange:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_index_shows_the_import_and_export_forms(staff_client):
    response = staff_client.get(reverse("exchange:index"))

    assert response.status_code == 200
    assert reverse("exchange:import_check") in response.content.decode()
    assert reverse("exchange:export") in response.content.decode()
    # The expected format is listed, from the same description the importer uses.
    assert "<code>dla_etapes.csv</code>" in response.content.decode()
    assert "<strong>structure_ref</strong>" in response.content.decode()


def test_check_reports_what_would_change_and_writes_nothing(staff_client):
    before = counts()

    response = _check(staff_client, _sample_zip())

    assert response.status_code == 200
    report = response.context["report"]
    assert report.ok and not report.written
    projects = next(s for s in report.files if s.name == "projets.csv")
    assert projects.created == len(read_rows(SAMPLE / "projets.csv"))
    assert "Confirmer l'import" in response.content.decode()
    assert counts() == before


def test_confirm_imports_once_even_when_clicked_twice(staff_client, staff):
    check = _check(staff_client, _sample_zip())
    token = _token(check)

    response = staff_client.post(reverse("exchange:import_confirm"), {"job": token}, follow=True)

    assert "/suivi/" in response.redirect_chain[-1][0]
    assert "terminé en" in response.content.decode()
    holders = len(read_rows(SAMPLE / "porteurs.csv"))
    assert f"porteurs.csv : {holders} ligne(s), {holders} créée(s)" in response.content.decode()
    assert Project.objects.count() == len(read_rows(SAMPLE / "projets.csv"))
    assert Project.objects.first().history.first().history_user == staff
    after_first = counts()

    again = staff_client.post(reverse("exchange:import_confirm"), {"job": token}, follow=True)

    assert "déjà été importé" in again.content.decode()
    assert counts() == after_first


def test_the_upload_is_removed_after_the_import(staff_client):
    check = _check(staff_client, _sample_zip())
    assert len(_stored_uploads()) == 1
    staff_client.post(reverse("exchange:import_confirm"), {"job": _token(check)})

    assert _stored_uploads() == []


def test_another_person_cannot_confirm_my_upload(staff_client, director, client):
    token = _token(_check(staff_client, _sample_zip()))
    client.force_login(director)

    client.post(reverse("exchange:import_confirm"), {"job": token})

    assert not Holder.objects.exists()


def test_another_person_cannot_read_my_check_report(staff_client, director, client):
    response = staff_client.post(reverse("exchange:import_check"), {"file": _sample_zip()})
    job_url = response["Location"]
    assert staff_client.get(job_url).status_code == 200
    client.force_login(director)

    assert client.get(job_url).status_code == 404


def test_director_can_import(director_client):
    check = _check(director_client, _sample_zip())
    director_client.post(reverse("exchange:import_confirm"), {"job": _token(check)})

    assert Holder.objects.count() == len(read_rows(SAMPLE / "porteurs.csv"))


def test_a_broken_upload_lists_every_problem_and_offers_no_confirmation(staff_client):
    def break_two_cells(name, content):
        if name == "projets.csv":
            return content.replace(b"2020-09-22", b"22/13/2020", 1)
        if name == "structures.csv":
            return content.replace(b"34648485069500", b"34648485069501", 1)
        return content

    response = _check(staff_client, _sample_zip(break_two_cells))

    page = response.content.decode()
    assert "projets.csv, ligne 2, colonne received_on : " in page
    assert "structures.csv, ligne 2, colonne siret : " in page
    assert "Confirmer l'import" not in page
    assert not response.context["confirmable"]
    assert not Holder.objects.exists()
    assert _stored_uploads() == []


def test_htmx_check_returns_only_the_import_zone(staff_client):
    response = staff_client.post(
        reverse("exchange:import_check"), {"file": _sample_zip()}, HTTP_HX_REQUEST="true"
    )

    page = response.content.decode()
    assert "Confirmer l'import" in page
    assert "<html" not in page


def test_a_single_csv_file_can_be_checked(staff_client):
    upload = SimpleUploadedFile("Porteurs.csv", (SAMPLE / "porteurs.csv").read_bytes())

    response = _check(staff_client, upload)

    assert [s.name for s in response.context["report"].files] == ["porteurs.csv"]


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("outil.exe", b"MZ...", "Type de fichier non accepté"),
        ("donnees.zip", b"pas une archive", "ne correspond pas à son extension"),
    ],
)
def test_a_wrong_kind_of_file_is_refused_before_reading(staff_client, filename, content, message):
    upload = SimpleUploadedFile(filename, content)

    response = staff_client.post(reverse("exchange:import_check"), {"file": upload})

    assert message in response.content.decode()
    assert "report" not in response.context
    assert not ImportUpload.objects.exists() and not ImportJob.objects.exists()


def test_a_file_over_the_size_limit_is_refused(staff_client, settings):
    settings.MAX_UPLOAD_MB = 0

    response = staff_client.post(reverse("exchange:import_check"), {"file": _sample_zip()})

    assert "taille maximale" in response.content.decode()


def test_export_button_downloads_a_zip_of_every_file(staff_client):
    token = _token(_check(staff_client, _sample_zip()))
    staff_client.post(reverse("exchange:import_confirm"), {"job": token})

    response = staff_client.post(reverse("exchange:export"), {"year": "2022"})

    assert response["Content-Type"] == "application/zip"
    assert "pes21-activite-2022.zip" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)  # streamed from a temporary file
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert set(archive.namelist()) == {spec.name for spec in FILES}


def test_the_import_page_offers_the_sample_dataset(staff_client):
    page = staff_client.get(reverse("exchange:index")).content.decode()

    assert reverse("exchange:sample") in page


def test_the_sample_dataset_downloads_as_a_zip_that_imports_as_it_is(staff_client):
    response = staff_client.get(reverse("exchange:sample"))

    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = set(archive.namelist())
    assert names == {path.name for path in SAMPLE.iterdir()}
    upload = SimpleUploadedFile("exemple.zip", response.content, "application/zip")
    report = _check(staff_client, upload).context["report"]
    assert report.ok
    assert report.created > 0


def test_export_refuses_a_bad_year(staff_client):
    response = staff_client.post(reverse("exchange:export"), {"year": "deux mille"})

    assert response.status_code == 200
    assert "Saisissez un nombre entier" in response.content.decode()


def _job(staff, **changes) -> ImportJob:
    fields = {
        "user": staff,
        "state": ImportJob.State.RUNNING,
        "progress": 40,
        "stage": "Vérification de projets.csv",
        "dry_run": True,
        "filename": "activite.zip",
        "heartbeat_at": timezone.now(),
    }
    return ImportJob.objects.create(**(fields | changes))


def test_a_running_job_shows_its_progress_and_keeps_polling(staff_client, staff):
    url = reverse("exchange:job", args=[_job(staff).pk])

    response = staff_client.get(url, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert f'hx-get="{url}"' in page and 'hx-trigger="every 1s"' in page
    assert "Vérification de projets.csv" in page and "40 %" in page
    assert "<html" not in page


def test_a_job_no_worker_took_says_who_can_help(staff_client, staff):
    job = _job(staff, state=ImportJob.State.WAITING, stage="En attente")
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))

    page = staff_client.get(reverse("exchange:job", args=[job.pk])).content.decode()

    assert "Aucun processus de travail n'a encore pris ce travail" in page
    assert 'hx-trigger="every 1s"' in page  # it will start when a worker comes


def test_a_job_whose_worker_died_shows_as_interrupted_with_the_way_to_run_it_again(
    staff_client, staff, settings
):
    silent = timezone.now() - dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS + 5)
    job = _job(staff, dry_run=False, heartbeat_at=silent)
    url = reverse("exchange:job", args=[job.pk])

    response = staff_client.get(url, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    page = response.content.decode()
    assert "interrompu" in page and "Rien n'a été enregistré" in page
    assert "déposez à nouveau le fichier" in page
    assert reverse("exchange:index") in page
    assert 'hx-trigger="every 1s"' not in page  # the page stops polling
    assert "40 %" not in page


def test_an_interrupted_import_runs_again_once_from_its_page_with_the_same_file(
    staff_client, staff
):
    upload = _check(staff_client, _sample_zip()).context["job"].upload
    # Its import was claimed, then its worker died: the job kept the file.
    interrupted = _job(staff, dry_run=False, state=ImportJob.State.INTERRUPTED, upload=upload)
    page = staff_client.get(reverse("exchange:job", args=[interrupted.pk])).content.decode()
    retry = reverse("exchange:job_retry", args=[interrupted.pk])
    assert "Relancer l'import" in page and retry in page

    response = staff_client.post(retry, follow=True)

    assert "terminé en" in response.content.decode()
    assert Holder.objects.count() == len(read_rows(SAMPLE / "porteurs.csv"))
    after = counts()
    again = staff_client.post(retry, follow=True)
    assert "déjà été relancé" in again.content.decode()
    assert counts() == after


def test_a_finished_job_stops_polling(staff_client):
    response = _check(staff_client, _sample_zip())

    assert "hx-trigger" not in response.content.decode().split('id="job"')[1].split(">")[0]


def test_a_long_problem_list_starts_with_an_overview_by_column(staff_client):
    # Without porteurs.csv, every holder ref of projets.csv is unknown.
    upload = SimpleUploadedFile("projets.csv", (SAMPLE / "projets.csv").read_bytes())

    response = _check(staff_client, upload)

    page = response.content.decode()
    links = sum(len(row["holder_refs"].split(";")) for row in read_rows(SAMPLE / "projets.csv"))
    assert f"projets.csv, colonne holder_refs : {links} problèmes" in page
    assert page.count("introuvable dans porteurs.csv") == links
