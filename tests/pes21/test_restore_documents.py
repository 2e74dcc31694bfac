"""A restore leaves no document file that the restored records do not reference."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from pes21.models import Attachment
from tests import factories


@pytest.mark.django_db(transaction=True)
def test_restore_removes_documents_the_backup_does_not_reference(tmp_path, settings, capsys):
    settings.MEDIA_ROOT = tmp_path / "media"
    project = factories.ProjectFactory()
    kept = Attachment.objects.create(
        target=project, title="Statuts", file=SimpleUploadedFile("statuts.pdf", b"%PDF-1")
    )
    archive = tmp_path / "sauvegarde.zip"
    call_command("backup", output=archive)
    later = Attachment.objects.create(
        target=project, title="Pièce d'identité", file=SimpleUploadedFile("cni.pdf", b"%PDF-2")
    )
    upload = settings.MEDIA_ROOT / "imports" / "jeton" / "donnees.zip"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"PK")
    later_path, later_folder = later.file.path, (settings.MEDIA_ROOT / later.file.name).parent

    call_command("restore", archive, yes=True)

    assert [a.title for a in Attachment.objects.all()] == ["Statuts"]
    assert (settings.MEDIA_ROOT / kept.file.name).read_bytes() == b"%PDF-1"
    assert not (settings.MEDIA_ROOT / later.file.name).exists(), later_path
    assert not later_folder.exists()
    assert upload.exists()  # an import waiting for its confirmation is not a document
    assert "1 document(s) absent(s) de la sauvegarde supprimé(s)" in capsys.readouterr().out
