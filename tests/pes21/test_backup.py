import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from accompaniment.models import Holder, Meeting, Project
from dla.models import Step
from pes21.models import Attachment, User
from tests import factories


def _snapshot():
    return {
        "holders": sorted(Holder.objects.values_list("last_name", "first_name", "email")),
        "projects": sorted(
            Project.objects.values_list("name", "status", "referent__username", "received_on")
        ),
        "holder_links": sorted(
            Project.holders.through.objects.values_list("project__name", "holder__email")
        ),
        "minutes": sorted(Meeting.objects.values_list("project__name", "duration_minutes")),
        "steps": sorted(Step.objects.values_list("structure__name", "kind", "date", "cost_eur")),
        "users": sorted(User.objects.values_list("username", "groups__name")),
        "attachments": sorted(Attachment.objects.values_list("title", "object_id")),
    }


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_gives_back_the_same_records(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    referent = factories.staff_user(username="referente")
    project = factories.ProjectFactory(referent=referent, status="accompagne")
    factories.MeetingFactory(project=project, duration_minutes=90)
    factories.StepFactory(kind="ingenierie_individuelle", cost_eur=2000)
    Attachment.objects.create(
        target=project, title="Statuts", file=SimpleUploadedFile("statuts.pdf", b"%PDF-1")
    )
    before = _snapshot()
    archive = tmp_path / "sauvegarde.zip"
    call_command("backup", output=archive)

    Project.objects.all().delete()
    Holder.objects.all().delete()
    Attachment.objects.all().delete()
    (settings.MEDIA_ROOT).rename(tmp_path / "old-media")
    assert _snapshot() != before

    call_command("restore", archive, yes=True)
    assert _snapshot() == before
    restored = Attachment.objects.get()
    assert restored.file.read() == b"%PDF-1"


@pytest.mark.django_db
def test_restore_refuses_an_archive_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "autre.zip"
    bogus.write_bytes(b"pas une archive")
    factories.HolderFactory()
    with pytest.raises(CommandError, match="illisible"):
        call_command("restore", bogus, yes=True)
    assert Holder.objects.count() == 1
