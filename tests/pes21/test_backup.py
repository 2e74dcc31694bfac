import datetime as dt
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from accompaniment.models import Holder, Meeting, Project
from dla.models import Step
from pes21.models import Attachment, StoredFile, User
from pes21.services import attachment_delete
from pes21.storage import DatabaseStorage
from reporting.selectors import report_figures
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
def test_backup_then_restore_gives_back_the_same_records_documents_and_figures(tmp_path):
    referent = factories.staff_user(username="referente")
    project = factories.ProjectFactory(referent=referent, status="accompagne")
    factories.MeetingFactory(project=project, duration_minutes=90)
    factories.StepFactory(kind="ingenierie_individuelle", cost_eur=2000)
    Attachment.objects.create(
        target=project, title="Statuts", file=SimpleUploadedFile("statuts.pdf", b"%PDF-1")
    )
    before, figures = _snapshot(), report_figures(dt.date.today().year)
    archive = tmp_path / "sauvegarde.zip"
    call_command("backup", output=archive)
    with zipfile.ZipFile(archive) as content:
        # One record a line, written as the tables are walked; documents beside them.
        assert {"data.jsonl", "media/" + Attachment.objects.get().file.name} <= set(
            content.namelist()
        )

    for attachment in Attachment.objects.all():
        attachment_delete(attachment=attachment)
    Project.objects.all().delete()
    Holder.objects.all().delete()
    assert _snapshot() != before and not StoredFile.objects.exists()

    call_command("restore", archive, yes=True)
    assert _snapshot() == before
    assert report_figures(dt.date.today().year) == figures
    restored = Attachment.objects.get()
    assert restored.file.read() == b"%PDF-1"


@pytest.mark.django_db(transaction=True)
def test_a_restore_that_fails_halfway_changes_nothing(tmp_path, monkeypatch):
    project = factories.ProjectFactory()
    Attachment.objects.create(
        target=project, title="Statuts", file=SimpleUploadedFile("statuts.pdf", b"%PDF-1")
    )
    archive = tmp_path / "sauvegarde.zip"
    call_command("backup", output=archive)
    factories.ProjectFactory(name="Après la sauvegarde")
    before = _snapshot()

    def broken_save(*args, **kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr(DatabaseStorage, "_save", broken_save)
    with pytest.raises(OSError):
        call_command("restore", archive, yes=True)

    assert _snapshot() == before
    assert Attachment.objects.get().file.read() == b"%PDF-1"


@pytest.mark.django_db
def test_restore_refuses_an_archive_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "autre.zip"
    bogus.write_bytes(b"pas une archive")
    factories.HolderFactory()
    with pytest.raises(CommandError, match="illisible"):
        call_command("restore", bogus, yes=True)
    assert Holder.objects.count() == 1
