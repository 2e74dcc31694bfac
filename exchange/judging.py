"""One row's record judged as a form judges it: by the model's own rules, and nothing else.

What a ModelForm's `full_clean` runs on its instance, `RecordJudge.judge` runs on the instance
a row built: each field's validators (SIRET, lengths, choices, plausible dates, five-digit
postal codes...), then the model's `clean()` (a created project's legal form, an engineering's
consultant...), after the file's `prepare` (the model or service function that fills what the
cells leave empty, as the forms' service does). It knows nothing of files, lines or chunks
(`checking` does); it answers by model attribute, in French. docs/rules.md lists the rules.

The one difference with a form is speed: a field's verdict on a value is remembered for the
file, since most cells repeat (a kind, a date, a duration) and a field's validators ask
nothing of the rest of the instance (relations and unique checks are not judged here).
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

# Values whose equality says they are the same cell (unlike 1.0 and 1.00, or True and 1);
# a decimal is remembered by its text, which tells 1.0 from 1.00.
_MEMO_TYPES = (str, int, dt.date)
# Enough for every day of forty years: a date column's distinct values are all remembered.
_MEMO_SIZE = 16384
_FAILED = object()
_CONTAINERS = (list, tuple, dict)

Errors = dict[str, list[str]]


class RecordJudge:
    """The rules of one model, for the rows of one file."""

    def __init__(
        self,
        fields: tuple[models.Field, ...],
        prepare: Callable[[models.Model], dict[str, str]] | None = None,
    ) -> None:
        # Each field judged with what it said of the values met so far.
        self._judged = tuple((field, {}) for field in fields)
        self._prepare = prepare

    def judge(self, instance: models.Model, exclude: set[str], *, complete: bool) -> Errors:
        """The model's verdict on `instance`: {attribute (or NON_FIELD_ERRORS): messages}.

        `exclude`: the fields whose validators are left alone, as a form leaves the fields it
        does not show (those no cell fills, relations, cells that could not be read).
        `complete`: every cell of the row was read and every reference found; if not, the
        rules across fields (`prepare`, `clean()`) are left for the corrected row, as they
        would judge a record missing what the row meant to give. Otherwise `clean()` runs
        even when a field has erred, as in a form; what it says of an erred field is left
        out (said once is enough)."""
        errors: Errors = {}
        if complete and self._prepare is not None:
            for name, message in self._prepare(instance).items():
                errors.setdefault(name, []).append(message)
        for name, messages in self._clean_fields(instance, exclude).items():
            errors.setdefault(name, []).extend(messages)
        if not complete:
            return errors
        try:
            instance.clean()
        except ValidationError as exc:
            said = dict(exc) if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
            for name, messages in said.items():
                if name not in errors:
                    errors[name] = messages
        return errors

    def _clean_fields(self, instance: models.Model, exclude: set[str]) -> Errors:
        """Model.clean_fields(exclude), each field's verdict on a value remembered."""
        errors: Errors = {}
        for model_field, memo in self._judged:
            if model_field.name in exclude:
                continue
            raw = getattr(instance, model_field.attname)
            # Field.empty_values, the common cases first: `in` compares a value with each.
            if model_field.blank and (
                raw is None or raw == "" or (type(raw) in _CONTAINERS and not raw)
            ):
                continue
            kind = type(raw)
            memo_key = raw if kind in _MEMO_TYPES else str(raw) if kind is Decimal else None
            known = _FAILED if memo_key is None else memo.get(memo_key, _FAILED)
            if known is _FAILED:
                try:
                    known = model_field.clean(raw, instance)
                except ValidationError as exc:
                    known = exc
                if memo_key is not None and len(memo) < _MEMO_SIZE:
                    memo[memo_key] = known
            if isinstance(known, ValidationError):
                errors[model_field.name] = known.messages
                continue
            setattr(instance, model_field.attname, known)
        return errors
