"""Export the whole demo history, import it into an empty database: every report is the same."""

import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max, Min, ProtectedError, RestrictedError

from accompaniment.models import Meeting, Project
from dla.models import Step
from exchange.services import activity_export, activity_import
from volunteers.models import Contribution, Volunteer

pytestmark = pytest.mark.django_db

# What migrations create (roles, permissions) stays, as in a freshly migrated database.
_KEPT_APPS = {"auth", "contenttypes", "sessions", "admin"}


def _report_json(year: int) -> dict:
    out = io.StringIO()
    call_command("build_report", year=year, format="json", stdout=out)
    return json.loads(out.getvalue())


def _years_present() -> range:
    firsts, lasts = [], []
    for model, name in ((Project, "received_on"), (Meeting, "date"), (Step, "date")):
        bounds = model.objects.aggregate(first=Min(name), last=Max(name))
        firsts.append(bounds["first"].year)
        lasts.append(bounds["last"].year)
    return range(min(firsts), max(lasts) + 1)


def _empty_the_database() -> None:
    """Delete every record of the project's apps, whatever protects whom."""
    models = [m for m in apps.get_models() if m._meta.app_label not in _KEPT_APPS]
    while any(model.objects.exists() for model in models):
        for model in models:
            try:
                with transaction.atomic():
                    model.objects.all().delete()
            except (ProtectedError, RestrictedError):
                continue


def test_the_demo_history_comes_back_whole_through_export_and_import(tmp_path):
    call_command("seed_demo", scale=1, stdout=io.StringIO())
    years = _years_present()
    before = {year: _report_json(year) for year in years}
    # The records the format once lacked are there to lose.
    assert any(row["heures"] for year in years for row in _missions(before[year])), (
        "no volunteer time in the demo"
    )
    assert any(before[year]["complements"]["generateur"]["structures_creees"] for year in years), (
        "no structure created by the Générateur in the demo"
    )
    for name, content in activity_export().items():
        (tmp_path / name).write_bytes(content)

    _empty_the_database()
    assert not Volunteer.objects.exists() and not Contribution.objects.exists()
    report = activity_import(source=tmp_path)

    assert report.ok, report.problems[:5]
    for year in years:
        assert _report_json(year) == before[year], year


def _missions(report: dict) -> list[dict]:
    return report["complements"]["vie_associative"]["heures_par_mission"]
