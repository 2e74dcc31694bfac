"""Issue #26's test: a holder whose name and phone (three ways each) were written into every
free-text field of the application is erased; then neither is found in any table (history
included), file, export, report page, PDF or RGPD export, and the yearly figures are the same.

Which fields are free text comes from the map (privacy.personal_data): a field added to it is
filled here too. What is looked for is checked independently of privacy.matching: folded text
for the name, runs of digits for the phone.
"""

import datetime as dt
import io
import re
import unicodedata
import zipfile

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from accompaniment.models import StatusChange
from followups.models import FollowUp
from generateur.models import PhaseChange
from pes21.models import Attachment
from pes21.services import attachment_create
from privacy.declarations import BLANK, HISTORY_REPLACE, REPLACE
from privacy.models import Erasure
from privacy.personal_data import entries
from public.models import ProjectRequest, QuestionnaireAnswer, QuestionnaireInvitation, new_token
from reporting.models import Focus, TerritoryNarrative
from reporting.selectors import report_figures
from tests import factories
from tests.pes21.matrix_world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = 2022
NAMES = ("Éloïse Vauthier-Kermarrec", "VAUTHIER-KERMARREC Éloïse", "eloise vauthier kermarrec")
PHONES = ("0698765432", "+33 6 98 76 54 32", "06.98.76.54.32")
EMAIL = "eloise.vk@example.org"


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _traces(text: str) -> list[str]:
    """What of the person a text still holds: her name, her e-mail, her number."""
    folded = _fold(text)
    found = [word for word in ("kermarrec", "vauthier", "eloise.vk") if word in folded]
    for run in re.findall(r"[\d .()+\-]{9,}", text):
        if "698765432" in re.sub(r"\D", "", run):
            found.append(run.strip())
    return found


def _payloads(index: int, max_length: int | None, unique_suffix: str = "") -> str:
    name, phone = NAMES[index % 3], PHONES[index % 3]
    for text in (f"{name} au {phone}", name, phone):
        text += unique_suffix
        if max_length is None or len(text) <= max_length:
            return text
    raise AssertionError(f"no payload fits {max_length} characters")


def _free_text_fields(entry) -> list[models.Field]:
    return [
        f
        for f in entry.fields(REPLACE, BLANK)
        if isinstance(f, (models.CharField, models.TextField, models.JSONField))
    ]


def _write_everywhere() -> list[str]:
    """Every free-text field of every row of every table the map names, with the person in
    it; the tables that had no row to write in."""
    empty = []
    for entry in entries():
        fields = _free_text_fields(entry)
        if entry.is_history or not fields:
            continue
        rows = list(entry.model._base_manager.all())
        if not rows:
            empty.append(entry.label)
        history = hasattr(entry.model._meta, "simple_history_manager_attribute")
        for number, row in enumerate(rows):
            values = {}
            for index, text_field in enumerate(fields):
                suffix = f" n{row.pk}" if text_field.unique else ""
                # One wording per field: rows grouped by a text (a theme) stay grouped alike.
                text = _payloads(index, text_field.max_length, suffix)
                values[text_field.name] = (
                    {"texte": text, "liste": [text]}
                    if isinstance(text_field, models.JSONField)
                    else text
                )
            if history:
                for name, value in values.items():
                    setattr(row, name, value)
                # A second save, so history holds an older version with her too.
                row._change_reason = NAMES[number % 3]
                row.save()
                row.save()
            else:
                entry.model._base_manager.filter(pk=row.pk).update(**values)
    return empty


@pytest.fixture
def eloise(settings, tmp_path, staff):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    holder = factories.HolderFactory(
        last_name="Vauthier-Kermarrec", first_name="Éloïse", email=EMAIL, phone=PHONES[0]
    )
    own = factories.ProjectFactory(
        holders=[holder],
        received_on=dt.date(YEAR, 2, 1),
        started_on=dt.date(YEAR, 3, 1),
        status="cree",
        created_on=dt.date(YEAR, 9, 1),
        referent=staff,
    )
    shared = world["project"]
    shared.holders.add(holder)
    world["action"].attendees.add(holder)
    factories.MeetingFactory(project=own, date=dt.date(YEAR, 4, 1), staff=staff)
    StatusChange.objects.create(project=shared, status="accompagne", changed_on=dt.date(YEAR, 3, 2))
    FollowUp.objects.create(
        project=own,
        years_after=1,
        due_on=dt.date(YEAR + 1, 9, 1),
        outcome="active",
        answered_on=dt.date(YEAR + 1, 9, 2),
    )
    PhaseChange.objects.create(
        project=world["territorial"], phase="opportunite", changed_on=dt.date(YEAR, 5, 1)
    )
    TerritoryNarrative.objects.create(
        edition=world["edition"], territorial_project=world["territorial"]
    )
    Focus.objects.filter(pk=world["focus"].pk).update(project=shared)
    # The public doors: her registration, her request, her answers to the questionnaire.
    opening = factories.OpeningFactory(action=world["action"])
    factories.RegistrationFactory(
        opening=opening, first_name="Éloïse", last_name="Vauthier-Kermarrec", email=EMAIL
    )
    ProjectRequest.objects.create(
        kind="creation",
        idea="x",
        postal_code="21000",
        commune="Dijon",
        stage="idee",
        holder=holder,
        project=own,
        consent_at=timezone.now(),
        notice_version="2026-12-01",
    )
    invitation = QuestionnaireInvitation.objects.create(
        project=own,
        holder=holder,
        token_hash=new_token()[1],
        expires_at=timezone.now(),
        answered_at=timezone.now(),
    )
    QuestionnaireAnswer.objects.create(
        invitation=invitation, satisfaction=5, consent_at=timezone.now(), notice_version="x"
    )
    Erasure.objects.create(kind="porteur", object_id=999999, reason="x")
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(holder),
        object_id=str(holder.pk),
        object_repr="x",
        action_flag=CHANGE,
        change_message="x",
    )
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="pes21.mail.deliver_email",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )
    # Documents: one of her project, one of a DLA structure named for her (file name and
    # contents too), and a structure's other document, which stays.
    for target, title, name in (
        (own, "Statuts", "statuts.pdf"),
        (world["structure"], f"Convention – {NAMES[1]}", "convention-vauthier-kermarrec.pdf"),
    ):
        attachment_create(
            target=target,
            title=title,
            file=ContentFile(f"%PDF-1 {NAMES[0]} {PHONES[1]}".encode(), name),
            user=staff,
        )
    # The import: a checked upload waiting for its confirmation, and a refused one whose
    # problems quote her.
    client = Client()
    client.force_login(staff)
    for name, content in (
        (
            "porteurs.csv",
            "ref,last_name,first_name,email,phone,postal_code,commune,consent_on\n"
            f"P9001,Vauthier-Kermarrec,Éloïse,{EMAIL},{PHONES[2]},21000,Dijon,2022-01-05\n",
        ),
        (
            "projets.csv",
            "ref,name,holder_refs,programme,received_on,status\n"
            f"J9001,Café,{NAMES[0]},benefices_crea,{PHONES[1]},accueilli\n",
        ),
    ):
        client.post(
            reverse("exchange:import_check"),
            {"file": SimpleUploadedFile(name, content.encode())},
        )
    # The report seen before the erasure: its figures are cached.
    client.get(reverse("reporting:report", args=[YEAR]))
    # Every table now has a row to write her into, the imports' included.
    assert _write_everywhere() == []
    return holder, world


def _numbers(figures):
    """The figures without their labels: a theme or a project named for her loses the name,
    every count, sum and rate stays."""
    if isinstance(figures, dict):
        # A key that is a label (a project's name) counts by its place, like a list's item.
        return {
            key if re.fullmatch(r"[a-z0-9_]+", str(key)) else f"#{place}": _numbers(value)
            for place, (key, value) in enumerate(figures.items())
        }
    if isinstance(figures, list):
        return [_numbers(value) for value in figures]
    return None if isinstance(figures, str) else figures


def _every_table() -> dict[str, list[str]]:
    found = {}
    for model in apps.get_models(include_auto_created=True):
        for row in model._base_manager.values():
            traces = _traces(" ".join(str(value) for value in row.values()))
            if traces:
                found.setdefault(model._meta.label, []).extend(traces)
    return found


def _every_file(root) -> dict[str, list[str]]:
    return {
        str(path.relative_to(root)): traces
        for path in root.rglob("*")
        if path.is_file()
        and (traces := _traces(path.name + " " + path.read_bytes().decode("utf-8", "replace")))
    }


def _unzipped(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return " ".join(
            archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
        )


def _outputs(client, holder) -> dict[str, str]:
    """What leaves the application: exports, the report as page and PDF, the RGPD export."""

    def get(name, *args):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        return b"".join(response.streaming_content) if response.streaming else response.content

    pdf = PdfReader(io.BytesIO(get("reporting:report_pdf", YEAR)))
    activity = client.post(reverse("exchange:export"), {"year": ""})
    return {
        "porteurs (CSV)": get("accompaniment:holder_export").decode(),
        "projets (CSV)": get("accompaniment:project_export").decode(),
        "actions collectives (CSV)": get("accompaniment:action_export").decode(),
        "projets de territoire (CSV)": get("generateur:project_export").decode(),
        "données d'activité (ZIP)": _unzipped(b"".join(activity.streaming_content)),
        "chiffres (XLSX)": _unzipped(get("reporting:export", YEAR, "xlsx")),
        "chiffres (JSON)": get("reporting:export", YEAR, "json").decode(),
        "fiche du porteur": get("accompaniment:holder_detail", holder.pk).decode(),
        "page du rapport": get("reporting:report", YEAR).decode(),
        "PDF du rapport": " ".join(page.extract_text() for page in pdf.pages),
        "export RGPD": get("privacy:export", "porteur", holder.pk).decode(),
    }


def test_an_erased_holder_is_in_no_table_file_export_report_or_rgpd_export(
    director_client, eloise, settings
):
    holder, world = eloise
    figures = _numbers(report_figures(YEAR))
    before = {
        "tables": _every_table(),
        "files": _every_file(settings.MEDIA_ROOT),
        "outputs": {k: _traces(v) for k, v in _outputs(director_client, holder).items()},
    }
    # The test sees her everywhere first: otherwise it would prove nothing.
    written = {
        entry.label
        for entry in entries()
        if any(f.name not in HISTORY_REPLACE for f in _free_text_fields(entry))
    }
    assert written <= set(before["tables"]), written - set(before["tables"])
    assert "volunteers.HistoricalCase" in written and "axes.AccessLog" not in written
    # Files are kept in the database storage: their bytes are table rows like the rest.
    assert {"pes21.StoredFileChunk", "exchange.ImportProblem", "exchange.ImportUpload"} <= set(
        before["tables"]
    )
    # (The figures' workbook holds numbers only: it is checked after, never had her.)
    silent = [name for name, traces in before["outputs"].items() if not traces]
    assert silent == ["chiffres (XLSX)"], silent

    response = director_client.post(
        reverse("privacy:erase", args=["porteur", holder.pk]),
        {"reason": f"Demande de {NAMES[0]}", "confirm": "on"},
    )

    assert response.status_code == 302
    assert _every_table() == {}
    assert _every_file(settings.MEDIA_ROOT) == {}
    outputs = _outputs(director_client, holder)
    assert {name: _traces(text) for name, text in outputs.items() if _traces(text)} == {}
    assert _numbers(report_figures(YEAR)) == figures
    # What was not about her stays: the shared project's other document.
    assert Attachment.objects.filter(pk=world["attachment"].pk).exists()
    register = Erasure.objects.get(kind="porteur", object_id=holder.pk).actions
    assert "Projets de territoire – résumé : remplacé" in register
    assert "Documents : 2 lignes supprimées, fichiers compris" in register
    assert "Fichiers d'import en attente de confirmation" in register
