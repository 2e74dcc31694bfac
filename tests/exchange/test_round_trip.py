"""Export the whole demo history, import it into an empty database: every report is the same."""

import io
import json
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import (
    CharField,
    Max,
    Min,
    ProtectedError,
    RestrictedError,
    TextField,
    UniqueConstraint,
)
from django.urls import reverse

from accompaniment.models import Meeting, Project
from dla.models import Step
from exchange.services import activity_export, activity_import
from reporting.models import ReportEdition
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


# What a person may type anywhere: a formula after a separator a spreadsheet may cut on, after
# a line break, after a space.
TYPED = ("x;=1+1", "x,=1+1", "x\n=1+1", " =1+1")
_FORMULA_SIGNS = ("=", "+", "-", "@", "\uff1d")
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


def _typed_text_fields(model) -> list:
    """The text a person types: free text fields (no choices, no key), not a password."""
    keys = {
        name
        for constraint in model._meta.constraints
        if isinstance(constraint, UniqueConstraint)
        for name in constraint.fields
    }
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, CharField | TextField)
        and field.editable
        and not field.choices
        and not field.unique
        and field.name not in keys
        and field.name != "password"
    ]


def _type_everywhere() -> int:
    """Write TYPED into every text field of every record that accepts it, by the model's own
    rules (an e-mail, a SIRET, an INSEE code cannot hold it from any door); how many values
    were written."""
    written = 0
    project_models = [
        model
        for model in apps.get_models()
        if model._meta.app_label not in _KEPT_APPS
        and not model.__name__.startswith("Historical")
        and model._meta.app_config.path.startswith(str(settings.BASE_DIR))
    ]
    for model in project_models:
        fields = _typed_text_fields(model)
        for index, record in enumerate(model.objects.all()):
            values = {
                field.name: TYPED[(index + number) % len(TYPED)]
                for number, field in enumerate(fields)
            }
            _keep_what_the_rules_accept(record, values)
            if values:
                model.objects.filter(pk=record.pk).update(**values)
                written += len(values)
    return written


def _refusals(record) -> set[str]:
    try:
        record.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return set(getattr(exc, "error_dict", {})) or {"__all__"}
    return set()


def _keep_what_the_rules_accept(record, values: dict) -> None:
    """Keep in `values` only what the record's rules accept. A rule may refuse a typed value
    on another field (a commune's name is judged against its INSEE code), so a value that
    brings a new refusal of any field is left out, one field at a time."""
    original = {name: getattr(record, name) for name in values}
    already = _refusals(record)  # the demo's own data, whatever is typed
    for name, text in values.items():
        setattr(record, name, text)
    if _refusals(record) <= already:
        return
    for name in list(values):
        for other, value in original.items():
            setattr(record, other, value)
        setattr(record, name, values[name])
        if not _refusals(record) <= already:
            del values[name]
    for name, value in original.items():
        setattr(record, name, values.get(name, value))


def _formula_pieces(content: str) -> list[str]:
    """The pieces of a file, cut as any spreadsheet may cut it, that start a formula."""
    found = []
    for piece in re.split(r"[,;\t\r\n]", content):
        bare = piece.lstrip(' "\u00a0\u202f').rstrip('"')
        if bare.startswith(_FORMULA_SIGNS) and not _NUMBER.fullmatch(bare):
            found.append(piece)
    return found


def test_a_formula_typed_anywhere_starts_in_no_csv_and_the_round_trip_holds(
    tmp_path, director_client
):
    call_command("seed_demo", scale=1, stdout=io.StringIO())
    assert _type_everywhere() > 1000
    # A published edition keeps the figures of its day, before the typing: compare live ones.
    ReportEdition.objects.all().delete()
    years = _years_present()
    before = {year: _report_json(year) for year in years}
    exported = activity_export()
    pages = [
        reverse("accompaniment:project_export"),
        reverse("accompaniment:holder_export"),
        reverse("accompaniment:action_export"),
        reverse("dla:structure_list") + "?export=csv",
        reverse("generateur:project_export"),
        reverse("reporting:export", args=[years[-1], "csv"]),
    ]
    files = {name: content.decode("utf-8") for name, content in exported.items()}
    for url in pages:
        response = director_client.get(url)
        assert response["Content-Type"].startswith("text/csv"), url
        files[url] = response.content.decode("utf-8-sig")

    assert sum(content.count("=1+1") for content in files.values()) > 1000
    assert {name: _formula_pieces(content) for name, content in files.items()} == {
        name: [] for name in files
    }

    for name, content in exported.items():
        (tmp_path / name).write_bytes(content)
    _empty_the_database()
    report = activity_import(source=tmp_path)
    assert report.ok, report.problems[:5]
    for year in years:
        assert _report_json(year) == before[year], year
