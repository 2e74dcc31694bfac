"""A restore leaves no document that the restored records do not reference."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from exchange import uploads
from exchange.models import ImportUpload
from pes21.models import Attachment
from tests import factories


@pytest.mark.django_db(transaction=True)
def test_restore_removes_documents_the_backup_does_not_reference(tmp_path, capsys, staff):
    project = factories.ProjectFactory()
    kept = Attachment.objects.create(
        target=project, title="Statuts", file=SimpleUploadedFile("statuts.pdf", b"%PDF-1")
    )
    waiting = uploads.upload_store(user=staff, upload=SimpleUploadedFile("donnees.zip", b"PK"))
    archive = tmp_path / "sauvegarde.zip"
    call_command("backup", output=archive)
    later = Attachment.objects.create(
        target=project, title="Pièce d'identité", file=SimpleUploadedFile("cni.pdf", b"%PDF-2")
    )

    call_command("restore", archive, yes=True)

    assert [a.title for a in Attachment.objects.all()] == ["Statuts"]
    assert default_storage.open(kept.file.name).read() == b"%PDF-1"
    assert not default_storage.exists(later.file.name)
    # An import waiting for its confirmation is not a document: not in the backup, gone.
    assert not ImportUpload.objects.exists() and not default_storage.exists(waiting.file.name)
    assert "1 document(s) absent(s) de la sauvegarde supprimé(s)" in capsys.readouterr().out
