"""Readable history of a record from django-simple-history: who changed what, and when."""

from dataclasses import dataclass, field

from django.db import models

HIDDEN_FIELDS = {"version", "updated_at", "created_at"}
MAX_ENTRIES = 50


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: object
    who: str
    action: str
    changes: list[Change] = field(default_factory=list)


ACTIONS = {"+": "Création", "~": "Modification", "-": "Suppression"}


def _display(record, field_name: str, value) -> str:
    model_field = record.instance_type._meta.get_field(field_name)
    if value in (None, ""):
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "oui" if value else "non"
    if isinstance(model_field, models.ForeignKey):
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else f"n° {value}"
    if isinstance(model_field, models.DateField):
        return value.strftime("%d/%m/%Y")
    return str(value)


def history_of(instance: models.Model, limit: int = MAX_ENTRIES) -> list[HistoryEntry]:
    """The latest changes of `instance`, newest first, with the fields each one changed."""
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        entry = HistoryEntry(
            when=record.history_date,
            who=str(record.history_user) if record.history_user else "Import ou système",
            action=ACTIONS.get(record.history_type, record.history_type),
        )
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                try:
                    model_field = record.instance_type._meta.get_field(change.field)
                except Exception:
                    model_field = None
                if model_field is None or model_field.many_to_many:
                    # simple-history gives an m2m change as raw through rows
                    # ({"project": 1, "holder": 2}); naming them would cost a query per entry.
                    label = model_field.verbose_name if model_field else change.field
                    entry.changes.append(Change(str(label), "…", "modifié"))
                    continue
                label = model_field.verbose_name
                entry.changes.append(
                    Change(
                        str(label),
                        _display(record, change.field, change.old),
                        _display(record, change.field, change.new),
                    )
                )
            if not entry.changes:
                continue
        entries.append(entry)
    return entries
