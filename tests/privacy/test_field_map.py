"""The map of personal data names every field that can hold text, a file or an address, in every
installed model: the application's, their history tables, and the libraries' (django-axes'
login log, the task queue, the second factor's devices…). A new field or model fails here until
the map says what erasing a person does to it."""

from django.apps import apps

from privacy.declarations import MAPPED_FIELD_TYPES, NEVER, mapped_fields
from privacy.personal_data import DECLARATIONS, entries

ANCHORS = {
    "holder",
    "project",
    "sole_project",
    "action",
    "volunteer",
    "case",
    "account",
    "username",
}


def test_every_text_file_and_address_field_of_every_installed_model_is_in_the_map():
    mapped = {entry.model: entry for entry in entries()}
    missing = [
        f"{model._meta.label}.{model_field.name}"
        for model in apps.get_models(include_auto_created=True)
        for model_field in mapped_fields(model)
        if model not in mapped or mapped[model].rule(model_field.name) is None
    ]
    assert not missing, (
        "Ces champs peuvent contenir une donnée personnelle : dites dans "
        f"privacy/personal_data.py ce qu'une anonymisation en fait : {missing}"
    )


def test_the_walk_sees_the_fields_the_issue_named():
    # The test above is only as good as its walk: it must reach history tables, axes' login
    # log, files and JSON.
    walked = {
        f"{model._meta.label}.{model_field.name}"
        for model in apps.get_models(include_auto_created=True)
        for model_field in mapped_fields(model)
    }
    assert {
        "volunteers.HistoricalCase.closing_note",
        "axes.AccessAttempt.user_agent",
        "axes.AccessLog.ip_address",
        "pes21.Attachment.file",
        "reporting.ReportEdition.frozen_team",
        "django_tasks_database.DBTaskResult.args_kwargs",
    } <= walked
    assert len(MAPPED_FIELD_TYPES) >= 6


def test_the_map_names_only_fields_that_exist_once():
    labels = [declaration.model for declaration in DECLARATIONS]
    assert len(labels) == len(set(labels))
    for declaration in DECLARATIONS:
        model = declaration.model_class
        named = [
            *declaration.replace,
            *declaration.blank,
            *declaration.identity,
            *declaration.delete,
            *declaration.never,
        ]
        assert len(named) == len(set(named)), declaration.model
        stale = set(named) - {f.name for f in model._meta.concrete_fields}
        assert not stale, f"{declaration.model} : {stale}"
        assert set(declaration.own) | set(declaration.linked) <= ANCHORS, declaration.model


def test_each_field_said_to_hold_nobody_says_why():
    for entry in entries():
        if entry.fields(NEVER) and not entry.is_history:
            assert entry.declaration.why, entry.declaration.model
