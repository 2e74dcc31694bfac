"""Thirty people at once: staff browse and log meetings, volunteers browse and log time.

Run by `make load` against gunicorn on loopback only (scripts/load.sh); accounts come from
`manage.py load_accounts` (mot de passe charge-pes21).
"""

import datetime as dt
import itertools
import random
import re
import uuid

from locust import HttpUser, between, task

PASSWORD = "charge-pes21"
_numbers = itertools.count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PROJECT_LINK = re.compile(r'href="/accompagnement/projets/(\d+)/"')
STRUCTURE_LINK = re.compile(r'href="/dla/structures/(\d+)/"')


class _Person(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    role = ""

    def on_start(self) -> None:
        n = next(_numbers)
        # load_accounts numbers staff on even numbers, volunteers on odd ones.
        number = 2 * n if self.role == "equipe" else 2 * n + 1
        page = self.client.get("/compte/connexion/", name="connexion (page)")
        self.client.post(
            "/compte/connexion/",
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
            url, data, headers={"Referer": self.host + url}, name=name, catch_response=True
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
        listing = self.client.get("/accompagnement/projets/", name="projets (liste)")
        ids = PROJECT_LINK.findall(listing.text)
        if ids:
            self.client.get(f"/accompagnement/projets/{random.choice(ids)}/", name="projet (fiche)")

    @task(2)
    def structures(self) -> None:
        listing = self.client.get("/dla/structures/", name="structures (liste)")
        ids = STRUCTURE_LINK.findall(listing.text)
        if ids:
            self.client.get(f"/dla/structures/{random.choice(ids)}/", name="structure (fiche)")

    @task(1)
    def dashboard(self) -> None:
        self.client.get("/rapport/tableau-de-bord/", name="tableau de bord")

    @task(2)
    def log_a_meeting(self) -> None:
        listing = self.client.get("/accompagnement/projets/", name="projets (liste)")
        ids = PROJECT_LINK.findall(listing.text)
        if not ids:
            return
        pk = random.choice(ids)
        page = self.client.get(f"/accompagnement/projets/{pk}/", name="projet (fiche)")
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
        self.client.get("/benevoles/tableau/", name="tableau des dossiers")

    @task(2)
    def my_space(self) -> None:
        self.client.get("/benevoles/mon-espace/", name="espace bénévole")

    @task(1)
    def log_time(self) -> None:
        page = self.client.get("/benevoles/mon-espace/", name="espace bénévole")
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
