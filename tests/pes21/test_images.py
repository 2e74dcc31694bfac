"""Every image uploaded is judged by its bytes, the same way whatever state Pillow is in, and
the report's pictures keep nothing of what the file carried besides its pixels (issue #25)."""

import io
import struct
import zlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile, PngImagePlugin

from pes21.images import read_image
from pes21.models import Attachment
from reporting.models import ReportImage
from tests import factories


def _png(**save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "#1d6b4b").save(buffer, "PNG", **save)
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _with_chunk(png: bytes, chunk: bytes) -> bytes:
    """The PNG with `chunk` just before its end (IEND, the last 12 bytes)."""
    return png[:-12] + chunk + png[-12:]


def _text_bomb() -> bytes:
    """A 2 KB PNG whose compressed text inflates to 2 MB, past Pillow's 1 MB limit."""
    text = b"Comment\0\0" + zlib.compress(b"x" * 2 * 1024 * 1024, 9)
    return _with_chunk(_png(), _chunk(b"zTXt", text))


# WeasyPrint turns this on for the whole process once it has built a PDF.
PILLOW_STATES = pytest.mark.parametrize("truncated_allowed", [False, True])


@PILLOW_STATES
def test_a_png_whose_text_inflates_past_the_limit_is_refused(monkeypatch, truncated_allowed):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", truncated_allowed)

    with pytest.raises(ValidationError, match="n'est pas une image JPEG, PNG ou WebP lisible"):
        read_image(_text_bomb())


@PILLOW_STATES
@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda png: png[: len(png) - 20], id="cut before its end"),
        pytest.param(lambda png: png[:40] + bytes([png[40] ^ 1]) + png[41:], id="checksum"),
        pytest.param(
            lambda png: _with_chunk(png, _chunk(b"IDAT", zlib.compress(b"\0" * 500))),
            id="more pixels than its size",
        ),
    ],
)
def test_a_damaged_png_is_refused_whatever_pillow_tolerates(monkeypatch, truncated_allowed, damage):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", truncated_allowed)

    with pytest.raises(ValidationError):
        read_image(damage(_png()))


@PILLOW_STATES
def test_a_jpeg_cut_short_is_refused(monkeypatch, truncated_allowed):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", truncated_allowed)
    buffer = io.BytesIO()
    Image.effect_noise((200, 200), 64).convert("RGB").save(buffer, "JPEG")

    with pytest.raises(ValidationError):
        read_image(buffer.getvalue()[:-300])


def test_sound_images_of_every_kind_are_read():
    for kind in ("PNG", "JPEG", "WEBP"):
        buffer = io.BytesIO()
        Image.new("RGB", (30, 30), "red").save(buffer, kind)
        assert read_image(buffer.getvalue()).format == kind
    interlaced = io.BytesIO()
    Image.new("RGBA", (33, 17), "blue").save(interlaced, "PNG", interlace=1)
    assert read_image(interlaced.getvalue()).size == (33, 17)


# --- The report's pictures ------------------------------------------------------------------


def _upload(client, content: bytes, name: str):
    data = {"kind": "couverture", "section": "", "alt": "Un atelier"}
    data["file"] = SimpleUploadedFile(name, content)
    return client.post(reverse("reporting:images", args=[2022]), data)


@pytest.mark.django_db
@PILLOW_STATES
def test_the_report_form_refuses_the_text_bomb_with_its_message(
    director_client, monkeypatch, truncated_allowed
):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", truncated_allowed)

    response = _upload(director_client, _text_bomb(), "photo.png")

    assert response.status_code == 200
    assert "JPEG, PNG ou WebP lisible" in response.content.decode()
    assert not ReportImage.objects.exists()


@pytest.mark.django_db
def test_a_photo_keeps_no_comment_exif_or_text_once_prepared(director_client):
    exif = Image.Exif()
    exif[0x010E] = "Rue des secrets, Dijon"  # ImageDescription
    photo = io.BytesIO()
    Image.new("RGB", (300, 200), "#1d6b4b").save(
        photo, "JPEG", comment=b"secret comment", exif=exif.tobytes()
    )
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "secret author")
    logo = _png(pnginfo=text)

    assert _upload(director_client, photo.getvalue(), "photo.jpg").status_code == 302
    data = {"kind": "logo", "section": "", "alt": "Logo", "file": SimpleUploadedFile("l.png", logo)}
    assert director_client.post(reverse("reporting:images", args=[2022]), data).status_code == 302

    for image in ReportImage.objects.all():
        stored = bytes(image.data)
        assert b"secret" not in stored, image.kind
        opened = Image.open(io.BytesIO(stored))
        assert not set(opened.info) & {"comment", "exif", "Author", "icc_profile"}, opened.info


@pytest.mark.django_db
def test_a_photo_is_turned_upright_as_the_camera_said(director_client):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    photo = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(photo, "JPEG", exif=exif.tobytes())

    _upload(director_client, photo.getvalue(), "photo.jpg")

    image = ReportImage.objects.get()
    assert (image.width, image.height) == (200, 300)


# --- Documents attached to a record ---------------------------------------------------------


def _attach(client, project, content: bytes, name: str):
    url = reverse(
        "attachment_add", args=[ContentType.objects.get_for_model(project).pk, project.pk]
    )
    return client.post(url, {"title": "Photo", "file": SimpleUploadedFile(name, content)})


@pytest.mark.django_db
@PILLOW_STATES
def test_an_attached_image_is_judged_by_the_same_check(
    staff_client, monkeypatch, truncated_allowed, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", truncated_allowed)
    project = factories.ProjectFactory()

    _attach(staff_client, project, _text_bomb(), "photo.png")
    cut = _attach(staff_client, project, _png()[:-20], "photo.png")

    # Both refusals, kept in the session until a page shows them.
    assert [str(message) for message in cut.wsgi_request._messages] == [
        "Document refusé : Ce fichier n'est pas une image PNG lisible."
    ] * 2
    assert not Attachment.objects.exists()
    _attach(staff_client, project, _png(), "photo.png")
    assert Attachment.objects.count() == 1
