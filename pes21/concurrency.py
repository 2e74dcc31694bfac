"""Nothing lost when two people edit one record, or when a form is sent twice.

Edit conflicts: optimistic locking. A versioned model carries `version`; an edit form sends
back the version it was read at, and the save is a conditional UPDATE on that version: if
someone saved in between, nothing is written and the second person is told so in French.
This is ~30 explicit lines rather than a library that patches Model.save for every model,
because the import's bulk updates and simple-history's rows must keep working untouched.

Double submits: a create form carries a one-time token; the first submission claims it in
the same transaction as the record it creates, a second one finds it claimed and is sent to
the record already created.
"""

import uuid
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .models import FormSubmission

CONFLICT_MESSAGE = (
    "Quelqu'un a modifié cette fiche pendant que vous la modifiiez : vos changements ne sont "
    "pas enregistrés. Rechargez la page pour voir la version actuelle, puis refaites-les."
)
ALREADY_SUBMITTED_MESSAGE = "Ce formulaire avait déjà été envoyé : rien n'a été créé en double."

T = TypeVar("T", bound=models.Model)


class EditConflict(Exception):
    pass


def version_field() -> models.PositiveIntegerField:
    return models.PositiveIntegerField("version", default=1, editable=False)


def save_versioned(instance: models.Model, *, expected_version: int) -> None:
    """Save `instance` only if its row is still at `expected_version`; else EditConflict."""
    with transaction.atomic():
        claimed = (
            type(instance)
            ._default_manager.filter(pk=instance.pk, version=expected_version)
            .update(version=F("version") + 1)
        )
        if not claimed:
            raise EditConflict
        instance.version = expected_version + 1
        instance.save()


def save_or_refuse(instance: models.Model, expected_version: int | None) -> None:
    """Save; given the version a form was read at, a conflict is a French ValidationError
    (what services raise, so that views show it on the form like any other refusal)."""
    if expected_version is None:
        instance.save()
        return
    try:
        save_versioned(instance, expected_version=expected_version)
    except EditConflict:
        raise ValidationError(CONFLICT_MESSAGE) from None


class VersionedModelForm(forms.ModelForm):
    """A ModelForm that refuses to overwrite a save made since the form was displayed."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            self.fields["version"].required = False

    def save_versioned(self) -> models.Model | None:
        """Save; on a conflict add the French error to the form and return None."""
        instance = self.save(commit=False)
        try:
            with transaction.atomic():
                if instance.pk:
                    save_versioned(instance, expected_version=self.cleaned_data["version"])
                else:
                    instance.save()
                self.save_m2m()
        except EditConflict:
            self.add_error(None, CONFLICT_MESSAGE)
            return None
        return instance


class OnceFormMixin(forms.Form):
    """Adds the one-time token that makes a create form safe to submit twice."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


def create_once(*, token: uuid.UUID, user, create: Callable[[], T]) -> tuple[T | None, str]:
    """Run `create()` once per token: (new object, its URL) or (None, URL of the first one)."""
    try:
        with transaction.atomic():
            submission = FormSubmission.objects.create(token=token, user=user)
            created = create()
            submission.url = created.get_absolute_url()
            submission.save(update_fields=["url"])
            return created, submission.url
    except IntegrityError:
        first = FormSubmission.objects.filter(token=token).first()
        if first is None:
            raise
        return None, first.url


def create_once_response(
    request: HttpRequest,
    form: forms.Form,
    create: Callable[[], T],
    success: str | Callable[[T], str],
    *,
    redirect_to: str | None = None,
) -> HttpResponse | None:
    """A create view's answer: run `create()` once per form token, then redirect (to the record,
    or `redirect_to`) with a French message. None, with the service's refusal on the form, when
    `create()` raised a ValidationError."""
    try:
        created, url = create_once(
            token=form.cleaned_data["submission_token"], user=request.user, create=create
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None
    if created is None:
        messages.info(request, ALREADY_SUBMITTED_MESSAGE)
    else:
        messages.success(request, success(created) if callable(success) else success)
    return redirect(redirect_to or url)
