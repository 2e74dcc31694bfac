"""Thirty people at once: staff browse and log meetings, volunteers browse and log time, and
one person imports a file through two servers.

Run by `make load` against two gunicorn servers on loopback only (scripts/load.sh): each
request goes to the servers in turn (LOAD_HOSTS), so a session, a form and an import started on
one server go on on the other. Accounts come from `manage.py load_accounts` (mot de passe
charge-pes21).
"""

import datetime as dt
import io
import itertools
import os
import random
import re
import time
import uuid
import zipfile
from pathlib import Path

from locust import HttpUser, between, task

PASSWORD = "charge-pes21"
# The k-th person of a role: load_accounts numbers staff on even numbers, volunteers on odd.
_numbers = {"equipe": itertools.count(), "benevole": itertools.count()}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PROJECT_LINK = re.compile(r'href="/accompagnement/projets/(\d+)/"')
STRUCTURE_LINK = re.compile(r'href="/dla/structures/(\d+)/"')


HOSTS = [host for host in os.environ.get("LOAD_HOSTS", "").split(",") if host]
SAMPLE = Path(__file__).resolve().parent.parent / "exchange" / "sample" / "2022"
JOB_LINK = re.compile(r"/donnees/suivi/([0-9a-f-]{36})/")


class _Person(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    role = ""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._servers = itertools.cycle(HOSTS or [self.host])

    def url(self, path: str) -> str:
        """The path on the next server: requests alternate between them."""
        return next(self._servers) + path

    def on_start(self) -> None:
        n = next(_numbers[self.role])
        number = 2 * n if self.role == "equipe" else 2 * n + 1
        page = self.client.get(self.url("/compte/connexion/"), name="connexion (page)")
        self.client.post(
            self.url("/compte/connexion/"),
            {
                "username": f"charge-{self.role}-{number}",
                "password": PASSWORD,
                "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
            },
            headers={"Referer": self.host + "/compte/connexion/"},
            name="connexion",
        )

    def _post(self, url: str, data: dict, name: str, page_text: str):
        data["csrfmiddlewaretoken"] = CSRF.search(page_text).group(1)
        with self.client.post(
            self.url(url),
            data,
            headers={"Referer": self.host + url},
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code >= 400 or "is-invalid" in response.text:
                response.failure(f"refusé ({response.status_code})")
            else:
                response.success()


class StaffMember(_Person):
    weight = 1
    role = "equipe"

    @task(4)
    def projects(self) -> None:
        listing = self.client.get(self.url("/accompagnement/projets/"), name="projets (liste)")
        ids = PROJECT_LINK.findall(listing.text)
        if ids:
            self.client.get(
                self.url(f"/accompagnement/projets/{random.choice(ids)}/"), name="projet (fiche)"
            )

    @task(2)
    def structures(self) -> None:
        listing = self.client.get(self.url("/dla/structures/"), name="structures (liste)")
        ids = STRUCTURE_LINK.findall(listing.text)
        if ids:
            self.client.get(
                self.url(f"/dla/structures/{random.choice(ids)}/"), name="structure (fiche)"
            )

    @task(1)
    def dashboard(self) -> None:
        self.client.get(self.url("/rapport/tableau-de-bord/"), name="tableau de bord")

    @task(2)
    def log_a_meeting(self) -> None:
        listing = self.client.get(self.url("/accompagnement/projets/"), name="projets (liste)")
        ids = PROJECT_LINK.findall(listing.text)
        if not ids:
            return
        pk = random.choice(ids)
        page = self.client.get(self.url(f"/accompagnement/projets/{pk}/"), name="projet (fiche)")
        self._post(
            f"/accompagnement/projets/{pk}/rendez-vous/",
            {
                "date": dt.date.today().strftime("%d/%m/%Y"),
                "duration_minutes": random.choice(["45", "1h", "1h30"]),
                "kind": "individuel",
                "notes": "Point d'étape (test de charge)",
                "submission_token": str(uuid.uuid4()),
            },
            "rendez-vous (enregistrement)",
            page.text,
        )


class Volunteer(_Person):
    weight = 1
    role = "benevole"

    @task(3)
    def board(self) -> None:
        self.client.get(self.url("/benevoles/tableau/"), name="tableau des dossiers")

    @task(2)
    def my_space(self) -> None:
        self.client.get(self.url("/benevoles/mon-espace/"), name="espace bénévole")

    @task(1)
    def log_time(self) -> None:
        page = self.client.get(self.url("/benevoles/mon-espace/"), name="espace bénévole")
        self._post(
            "/benevoles/mon-espace/temps/",
            {
                "case": "",
                "mission": "vie_associative",
                "date": dt.date.today().strftime("%d/%m/%Y"),
                "duration": "1h",
                "notes": "Permanence (test de charge)",
                "submission_token": str(uuid.uuid4()),
            },
            "temps bénévole (enregistrement)",
            page.text,
        )


def _sample_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(SAMPLE.glob("*.csv")):
            archive.writestr(path.name, path.read_bytes())
    return buffer.getvalue()


class Importer(_Person):
    """Sends the 2022 sample to one server, follows and confirms it on the other, and follows
    the import to its end; its whole journey is one entry of the figures."""

    fixed_count = 1
    role = "equipe"
    wait_time = between(3, 6)
    TIMEOUT_SECONDS = 120

    def _poll(self, server: str, path: str, until: str) -> bool:
        deadline = time.monotonic() + self.TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            page = self.client.get(server + path, name="import (suivi)")
            if until in page.text:
                return True
            time.sleep(0.5)
        return False

    def _journey(self, first: str, other: str) -> str | None:
        """The import through both servers; what went wrong, if anything."""
        page = self.client.get(first + "/donnees/", name="import (page)")
        token = CSRF.search(page.text).group(1)
        sent = self.client.post(
            first + "/donnees/verifier/",
            {"csrfmiddlewaretoken": token},
            files={"file": ("activite-2022.zip", _sample_zip(), "application/zip")},
            headers={"Referer": first + "/donnees/"},
            allow_redirects=False,
            name="import (dépôt)",
        )
        check = JOB_LINK.search(sent.headers.get("Location", ""))
        if check is None:
            return f"dépôt refusé ({sent.status_code})"
        if not self._poll(other, check.group(0), "Confirmer l'import"):
            return "vérification non terminée, ou fichier refusé"
        confirmed = self.client.post(
            other + "/donnees/importer/",
            {"job": check.group(1), "csrfmiddlewaretoken": token},
            headers={"Referer": other + "/donnees/"},
            allow_redirects=False,
            name="import (confirmation)",
        )
        job = JOB_LINK.search(confirmed.headers.get("Location", ""))
        if job is None:
            return f"confirmation refusée ({confirmed.status_code})"
        if not self._poll(first, job.group(0), "terminé en"):
            return "import non terminé"
        return None

    @task
    def import_the_sample(self) -> None:
        started = time.perf_counter()
        error = self._journey(next(self._servers), next(self._servers))
        self.environment.events.request.fire(
            request_type="IMPORT",
            name="import de bout en bout (deux serveurs)",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=AssertionError(error) if error else None,
            context={},
        )
