"""The staff digest tells who launched an import that it did not succeed, once, with a link."""

import datetime as dt
import os
import re
import shutil
import time

import pytest
from django.core import mail
from django.utils import timezone

from exchange import jobs, uploads
from exchange.samples import SAMPLE_2022
from followups.digests import digests_send
from tests.factories import director_user, staff_user

pytestmark = pytest.mark.django_db


def _upload(name: str, *, broken: bool = False):
    folder = uploads.root() / f"jeton-{name}"
    shutil.copytree(SAMPLE_2022, folder / name)
    if broken:
        (folder / name / "projets.csv").write_text("ref,name\nPR1,\n", encoding="utf-8")
    return folder / name


def _crash(**kwargs):
    raise RuntimeError("disque plein")


def _dead_job(job_id: str, **state) -> None:
    """A job whose process stopped while it ran: it reads as interrupted."""
    uploads.root().mkdir(parents=True, exist_ok=True)
    jobs._save(
        job_id,
        {
            "state": jobs.RUNNING,
            "progress": 40,
            "stage": "Enregistrement",
            "dry_run": False,
            "token": None,
            "filename": "historique.xlsx",
            "process": "un-processus-arrete",
            "pid": 2**22 + 12345,  # above pid_max: no such process
        }
        | state,
    )


def _run(now: dt.datetime) -> int:
    return digests_send(today=timezone.localdate(now), now=now)


def test_failed_and_interrupted_imports_go_to_who_launched_them_once(settings, monkeypatch):
    settings.SITE_URL = "https://pes21.example.org"
    day = 0  # Monday: any day of the week is on or after it
    person = staff_user(username="importe", digest_weekday=day, email="importe@example.org")
    colleague = staff_user(username="autre", digest_weekday=day, email="autre@example.org")
    jobs.start(source=_upload("ok"), dry_run=False, user=person, token=None, filename="ok.zip")
    jobs.start(
        source=_upload("verif", broken=True),
        dry_run=True,
        user=person,
        token="jeton",
        filename="verif.zip",
    )  # a check that found problems did its job: not a failure
    jobs.start(
        source=_upload("refuse", broken=True),
        dry_run=False,
        user=person,
        token=None,
        filename="refuse.zip",
    )
    _dead_job("coupe", user_id=person.pk)
    _dead_job("collegue", user_id=colleague.pk, filename="collegue.zip")
    monkeypatch.setattr(jobs, "activity_import", _crash)
    jobs.start(
        source=_upload("plante"), dry_run=True, user=person, token="t", filename="plante.zip"
    )

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
    _dead_job("nouveau", user_id=person.pk, filename="nouveau.csv")
    assert _run(now + dt.timedelta(days=7)) == 1
    body = mail.outbox[0].body
    assert "nouveau.csv" in body and "refuse.zip" not in body


def test_an_import_nobody_is_recorded_for_goes_to_the_director(settings):
    day = 0
    director = director_user(username="dir", digest_weekday=day, email="dir@example.org")
    staff_user(username="equipe", digest_weekday=day, email="equipe@example.org")
    _dead_job("orphelin", user_id=None, filename="ancien.zip")
    gone = staff_user(username="parti", is_active=False)
    _dead_job("parti", user_id=gone.pk, filename="parti.zip")

    assert _run(timezone.now()) == 1

    assert mail.outbox[0].to == [director.email]
    assert "ancien.zip" in mail.outbox[0].body and "parti.zip" in mail.outbox[0].body


def test_job_states_outlive_their_upload_for_the_weekly_digest():
    old_upload = _upload("vieux")
    _dead_job("semaine", user_id=None)
    _dead_job("mois", user_id=None)
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old_upload.parent, (two_days_ago, two_days_ago))
    os.utime(uploads.root() / "semaine.json", (two_days_ago, two_days_ago))
    nine_days_ago = time.time() - 9 * 24 * 3600
    os.utime(uploads.root() / "mois.json", (nine_days_ago, nine_days_ago))

    uploads._purge_old()

    assert not old_upload.parent.exists()
    assert (uploads.root() / "semaine.json").exists()
    assert not (uploads.root() / "mois.json").exists()
