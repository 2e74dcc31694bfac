from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pes21.models import Attachment
from tests import factories


def test_project_documents_are_listed_on_the_page_and_kept_from_volunteers(
    staff, volunteer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    project = factories.ProjectFactory()
    staff_client, volunteer_client = Client(), Client()
    staff_client.force_login(staff)
    volunteer_client.force_login(volunteer)
    content_type = ContentType.objects.get_for_model(project)
    upload = SimpleUploadedFile("budget.pdf", b"%PDF-1.4 budget", content_type="application/pdf")
    response = staff_client.post(
        reverse("attachment_add", args=[content_type.pk, project.pk]),
        {"title": "Budget prévisionnel", "file": upload},
    )
    assert response["Location"] == project.get_absolute_url()
    attachment = Attachment.objects.get()
    page = staff_client.get(project.get_absolute_url()).content.decode()
    assert "Budget prévisionnel" in page
    assert reverse("attachment_download", args=[attachment.pk]) in page
    assert staff_client.get(reverse("attachment_download", args=[attachment.pk])).status_code == 200
    download = volunteer_client.get(reverse("attachment_download", args=[attachment.pk]))
    assert download.status_code == 403
