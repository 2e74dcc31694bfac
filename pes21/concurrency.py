"""Nothing lost when two people edit one record, or when a form is sent twice.

Edit conflicts: optimistic locking. A versioned model carries `version`; an edit form sends
back the version it was read at, and the save happens only if the row is still at that
version, locked until the save commits: if someone saved in between, nothing is written and
the second person is told so in French. The pieces, used by every app: `version_field()` on
the model, `VersionedModelForm` (or `VersionedForm` with the create token, or
`VersionedFormMixin` for a form acting on a record) in the form, `save_versioned` in the
service (`versions_refused` for many records at once: the import's updates),
`EditConflict` (a ValidationError carrying `CONFLICT_MESSAGE`) when refused, and
`refuse_on_form` in the view, as for any refusal.
This is ~30 explicit lines rather than a library that patches Model.save for every model,
because the import's bulk updates and simple-history's rows must keep working untouched.

Double submits: a create form carries a one-time token; the first submission claims it in
the same transaction as the record it creates, a second one finds it claimed and is sent to
the record already created.
"""

import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .bulk import batches
from .models import FormSubmission

CONFLICT_MESSAGE = (
    "Quelqu'un a modifié cette fiche pendant que vous la modifiiez : vos changements ne sont "
    "pas enregistrés. Rechargez la page pour voir la version actuelle, puis refaites-les."
)
ALREADY_SUBMITTED_MESSAGE = "Ce formulaire avait déjà été envoyé : rien n'a été créé en double."

T = TypeVar("T", bound=models.Model)
LOCK_BATCH = 1000


class EditConflict(ValidationError):
    """The record was saved by someone else since the form was shown: nothing was written.

    A ValidationError, so a view puts it on the form like any other refusal of a service
    (`refuse_on_form`)."""

    def __init__(self) -> None:
        super().__init__(CONFLICT_MESSAGE, code="edit_conflict")


def version_field() -> models.PositiveIntegerField:
    return models.PositiveIntegerField("version", default=1, editable=False)


def versions_refused(model: type[models.Model], versions: dict[int, int]) -> set[int]:
    """The lock itself, for one record or many: of `versions` (id -> the version each was read
    at), the ids saved by someone since. The others stay locked until the transaction ends
    (SELECT ... FOR UPDATE; on SQLite every write transaction holds the database's lock), so
    the caller writes them at the next version without anyone slipping in between. One query
    per version read, per thousand records (the import updates a chunk at once)."""
    by_version: dict[int, list[int]] = defaultdict(list)
    for pk, version in versions.items():
        by_version[version].append(pk)
    unchanged: set[int] = set()
    for version, pks in by_version.items():
        for chunk in batches(pks, LOCK_BATCH):
            unchanged.update(
                model._default_manager.select_for_update()
                .filter(pk__in=chunk, version=version)
                .values_list("pk", flat=True)
            )
    return set(versions) - unchanged


def save_versioned(instance: models.Model, expected_version: int | None) -> None:
    """Save `instance`; given the version a form was read at, only if its row is still at that
    version (else EditConflict, nothing written). A new record, or no version, just saves."""
    if instance.pk is None or expected_version is None:
        instance.save()
        return
    with transaction.atomic():
        if versions_refused(type(instance), {instance.pk: expected_version}):
            raise EditConflict
        instance.version = expected_version + 1
        instance.save()


def refuse_on_form(
    form: forms.BaseForm, error: ValidationError, fields: dict[str, str] | None = None
) -> None:
    """Put a service's refusal on the form: an error about one of its fields beside that field,
    the others (an edit conflict, a rule across fields) above the form. `fields` names the
    form's field for a model field it fills under another name (a close form's `on` is the
    project's `ended_on`)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = (fields or {}).get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class VersionedFormMixin(forms.Form):
    """Sends back the version the record was read at, so that a save made since is refused.

    The record is the ModelForm's instance, or what `versioned_record()` returns for a form
    acting on a record without editing it (starting a project, changing its phase)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        record = self.versioned_record()
        if record is not None and record.pk:
            self.fields["version"].initial = record.version
            self.fields["version"].required = True

    def versioned_record(self) -> models.Model | None:
        return getattr(self, "instance", None)


class VersionedModelForm(VersionedFormMixin, forms.ModelForm):
    """A ModelForm whose edits refuse to overwrite a save made since the form was displayed."""


class OnceFormMixin(forms.Form):
    """Adds the one-time token that makes a create form safe to submit twice."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            # The token only guards creations; an edit is guarded by its version.
            self.fields["submission_token"].required = False


class VersionedForm(OnceFormMixin, VersionedModelForm):
    """The base form of a record: its creation is safe to send twice, its edit refuses to
    overwrite a save made since the form was shown."""


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


def save_response(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[], T],
    success: str | Callable[[T], str],
    *,
    redirect_to=None,
    fields: dict[str, str] | None = None,
) -> HttpResponse | None:
    """An edit view's answer once its form is valid: run the service's `save()`; its refusal
    (a rule, an edit made meanwhile) goes on the form (`refuse_on_form`, `fields` as there)
    and None is returned for the view to show the form again; otherwise a French message and
    a redirect to `redirect_to` (a record or a URL), or to what `save()` returned."""
    try:
        saved = save()
    except ValidationError as error:
        refuse_on_form(form, error, fields)
        return None
    messages.success(request, success(saved) if callable(success) else success)
    return redirect(saved if redirect_to is None else redirect_to)


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
        refuse_on_form(form, error)
        return None
    if created is None:
        messages.info(request, ALREADY_SUBMITTED_MESSAGE)
    else:
        messages.success(request, success(created) if callable(success) else success)
    return redirect(redirect_to or url)
