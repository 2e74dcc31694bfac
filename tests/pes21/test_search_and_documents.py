import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pes21.models import Attachment
from tests import factories


def test_search_finds_records_of_each_app(staff_client):
    factories.HolderFactory(last_name="Vauthier", first_name="Lise")
    factories.StructureFactory(name="Ressourcerie Vauthier")
    response = staff_client.post(reverse("search"), {"q": "vauth"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Lise Vauthier" in html
    assert "Ressourcerie Vauthier" in html


def test_search_as_htmx_returns_only_the_dropdown(staff_client):
    factories.HolderFactory(last_name="Vauthier")
    response = staff_client.post(reverse("search"), {"q": "vauth"}, HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert "Vauthier" in response.content.decode()


def test_the_search_query_never_travels_in_the_url(staff_client):
    factories.HolderFactory(last_name="Vauthier")
    response = staff_client.get(reverse("search"), {"q": "vauth"})
    assert response.status_code == 200
    assert "Vauthier" not in response.content.decode()


def test_search_needs_two_characters(staff_client):
    factories.HolderFactory(last_name="Vauthier")
    response = staff_client.post(reverse("search"), {"q": "v"})
    assert "Vauthier" not in response.content.decode()


@pytest.fixture
def project(db):
    return factories.ProjectFactory()


def _upload_url(obj) -> str:
    ct = ContentType.objects.get_for_model(obj)
    return reverse("attachment_add", args=[ct.pk, obj.pk])


def test_staff_uploads_and_downloads_a_document(staff_client, project, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("statuts.pdf", b"%PDF-1.4 statuts", content_type="application/pdf")
    response = staff_client.post(_upload_url(project), {"title": "Statuts", "file": pdf})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.target == project
    download = staff_client.get(reverse("attachment_download", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 statuts"


def test_a_document_of_the_wrong_type_is_refused(staff_client, project, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("statuts.pdf", b"<script>alert(1)</script>")
    response = staff_client.post(
        _upload_url(project), {"title": "Statuts", "file": fake}, follow=True
    )
    assert "ne correspond pas à son extension" in response.content.decode()
    exe = SimpleUploadedFile("virus.exe", b"MZ")
    response = staff_client.post(_upload_url(project), {"title": "X", "file": exe}, follow=True)
    assert "Type de fichier non accepté" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_too_large_document_is_refused(staff_client, project, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("gros.pdf", b"%PDF" + b"0" * (1024 * 1024 + 1))
    response = staff_client.post(_upload_url(project), {"title": "Gros", "file": big}, follow=True)
    assert "taille maximale" in response.content.decode()
    assert not Attachment.objects.exists()


def test_volunteer_cannot_upload_or_download(client, volunteer, project, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    attachment = Attachment.objects.create(
        target=project, title="Budget", file=SimpleUploadedFile("b.pdf", b"%PDF")
    )
    client.force_login(volunteer)
    assert client.get(reverse("attachment_download", args=[attachment.pk])).status_code == 403
    pdf = SimpleUploadedFile("s.pdf", b"%PDF")
    assert client.post(_upload_url(project), {"title": "S", "file": pdf}).status_code == 403
    assert Attachment.objects.count() == 1
