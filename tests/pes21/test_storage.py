"""Documents in the database: every server sees them, read and written a chunk at a time."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pes21 import storage
from pes21.models import StoredFile, StoredFileChunk

pytestmark = pytest.mark.django_db

CONTENT = bytes(range(256)) * 20  # 5 120 bytes


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(storage, "CHUNK_BYTES", 1024)


def test_a_file_is_saved_in_chunks_and_read_back_whole(small_chunks):
    name = default_storage.save("documents/essai/statuts.pdf", ContentFile(CONTENT))

    assert default_storage.exists(name) and default_storage.size(name) == len(CONTENT)
    assert StoredFileChunk.objects.filter(file__name=name).count() == 5
    with default_storage.open(name) as handle:
        assert handle.read() == CONTENT


def test_an_upload_held_in_memory_is_cut_in_chunks_too(small_chunks):
    # Django's in-memory upload yields itself whole from chunks(), whatever size is asked.
    upload = SimpleUploadedFile("donnees.zip", CONTENT)

    name = default_storage.save("imports/donnees.zip", upload)

    assert StoredFileChunk.objects.filter(file__name=name).count() == 5
    assert default_storage.open(name).read() == CONTENT


def test_reading_fetches_one_chunk_at_a_time_as_it_goes(small_chunks):
    name = default_storage.save("documents/essai/gros.bin", ContentFile(CONTENT))

    with default_storage.open(name) as handle, CaptureQueriesContext(connection) as queries:
        first = handle.read(100)
        assert len(queries) == 1  # the first chunk only
        handle.seek(3000)
        rest = handle.read()
    assert first == CONTENT[:100] and rest == CONTENT[3000:]
    assert len(queries) == 1 + 3  # chunks 2, 3 and 4, each when reached


def test_the_same_name_twice_gives_two_files_and_delete_takes_the_chunks():
    first = default_storage.save("documents/x/a.txt", ContentFile(b"un"))
    second = default_storage.save("documents/x/a.txt", ContentFile(b"deux"))

    assert first != second
    default_storage.delete(first)
    assert not default_storage.exists(first)
    assert default_storage.open(second).read() == b"deux"
    assert StoredFileChunk.objects.count() == 1


def test_a_missing_file_is_not_found_and_nothing_is_written_by_opening():
    with pytest.raises(FileNotFoundError):
        default_storage.open("documents/absent.pdf")
    with pytest.raises(ValueError):
        default_storage.open(default_storage.save("a.txt", ContentFile(b"x")), "wb")
    assert StoredFile.objects.count() == 1


def test_a_download_streams_from_the_database_with_its_length(staff_client):
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    from pes21.models import Attachment
    from tests.factories import ProjectFactory

    project = ProjectFactory()
    attachment = Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(project),
        object_id=project.pk,
        title="Statuts",
        file=ContentFile(CONTENT, name="statuts.pdf"),
    )

    response = staff_client.get(reverse("attachment_download", args=[attachment.pk]))

    assert response.streaming and response["Content-Length"] == str(len(CONTENT))
    assert b"".join(response.streaming_content) == CONTENT
