"""The staff digest tells who launched an import that it did not succeed, once, with a link."""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from exchange import jobs, uploads
from exchange.models import ImportJob
from exchange.samples import SAMPLE_2022
from notifications.digests import digests_send
from tests.factories import director_user, staff_user

pytestmark = pytest.mark.django_db


def _start(person, name: str, *, dry_run: bool, broken: bool = False) -> ImportJob:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(SAMPLE_2022.glob("*.csv")):
            content = path.read_bytes()
            if broken and path.name == "projets.csv":
                content = b"ref,name\nPR1,\n"
            archive.writestr(path.name, content)
    upload = uploads.upload_store(user=person, upload=SimpleUploadedFile(name, buffer.getvalue()))
    return jobs.job_start(upload=upload, dry_run=dry_run, user=person)


def _crash(**kwargs):
    raise RuntimeError("disque plein")


def _dead_job(person, filename: str = "historique.xlsx", *, last_beat=None) -> ImportJob:
    """A job whose worker stopped while it ran: it reads as interrupted."""
    return ImportJob.objects.create(
        user=person,
        dry_run=False,
        filename=filename,
        state=ImportJob.State.RUNNING,
        progress=40,
        stage="Enregistrement",
        heartbeat_at=last_beat or timezone.now() - dt.timedelta(hours=1),
    )


def _run(now: dt.datetime) -> int:
    return digests_send(today=timezone.localdate(now), now=now)


def test_failed_and_interrupted_imports_go_to_who_launched_them_once(settings, monkeypatch):
    settings.SITE_URL = "https://pes21.example.org"
    day = 0  # Monday: any day of the week is on or after it
    person = staff_user(username="importe", digest_weekday=day, email="importe@example.org")
    colleague = staff_user(username="autre", digest_weekday=day, email="autre@example.org")
    _start(person, "ok.zip", dry_run=False)
    # A check that found problems did its job: not a failure.
    _start(person, "verif.zip", dry_run=True, broken=True)
    _start(person, "refuse.zip", dry_run=False, broken=True)
    _dead_job(person)
    _dead_job(colleague, "collegue.zip")
    monkeypatch.setattr(jobs, "activity_import_dataset", _crash)
    _start(person, "plante.zip", dry_run=True)

    now = timezone.now()  # the run comes after the jobs
    assert _run(now) == 2
    assert _run(now) == 0  # the same week: sent once

    body = next(m for m in mail.outbox if m.to == ["importe@example.org"]).body
    section = body.split("Imports qui n'ont pas abouti", 1)[1]
    assert re.search(r"refuse\.zip : import du [\d/]+ à [\d:]+, refusé : \d+ problèmes", section)
    assert "historique.xlsx : import du" in section and "interrompu avant la fin" in section
    assert "plante.zip : vérification du" in section
    assert "arrêtée par une erreur inattendue" in section
    assert "https://pes21.example.org/donnees/" in section
    assert "ok.zip" not in body and "verif.zip" not in body and "collegue.zip" not in body
    other = next(m for m in mail.outbox if m.to == ["autre@example.org"]).body
    assert "collegue.zip" in other and "refuse.zip" not in other

    # Next week's digest does not tell them again; a new failure, it does.
    mail.outbox.clear()
    _dead_job(person, "nouveau.csv", last_beat=now + dt.timedelta(days=1))
    assert _run(now + dt.timedelta(days=7)) == 1
    body = mail.outbox[0].body
    assert "nouveau.csv" in body and "refuse.zip" not in body


def test_an_import_nobody_is_recorded_for_goes_to_the_director(settings):
    day = 0
    director = director_user(username="dir", digest_weekday=day, email="dir@example.org")
    staff_user(username="equipe", digest_weekday=day, email="equipe@example.org")
    _dead_job(None, "ancien.zip")
    gone = staff_user(username="parti", is_active=False)
    _dead_job(gone, "parti.zip")

    assert _run(timezone.now()) == 1

    assert mail.outbox[0].to == [director.email]
    assert "ancien.zip" in mail.outbox[0].body and "parti.zip" in mail.outbox[0].body
