"""What every app's forms share: the date input, the crispy helper, record ids, uploads."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from .images import read_image
from .models import Attachment


class DateInput(forms.DateInput):
    """The browser's date picker: it sends ISO dates and shows them the French way."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def form_helper(submit: str | None = None, *layout) -> FormHelper:
    """Crispy fields only: the template writes the <form> and its CSRF token. `submit` adds
    the button, `layout` orders the fields."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout:
        helper.layout = Layout(*layout)
    if submit:
        helper.add_input(Submit("submit", submit, css_class="btn-pes"))
    return helper


# What staff attach to a record: office documents, PDFs and pictures. Anything else
# (executables, HTML that a browser would run) is refused before it is stored.
ALLOWED_EXTENSIONS = {
    ".pdf": b"%PDF",
    ".png": b"\x89PNG",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".docx": b"PK",
    ".xlsx": b"PK",
    ".pptx": b"PK",
    ".odt": b"PK",
    ".ods": b"PK",
    ".doc": b"\xd0\xcf\x11\xe0",
    ".xls": b"\xd0\xcf\x11\xe0",
    ".txt": b"",
    ".csv": b"",
}


IMAGE_EXTENSIONS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}


def check_upload(upload, allowed: dict[str, bytes] = ALLOWED_EXTENSIONS) -> None:
    """Refuse a file by its size, extension and first bytes, before reading it whole; an
    image by its whole content."""
    limit = settings.MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > limit:
        raise forms.ValidationError(
            f"Le fichier dépasse la taille maximale de {settings.MAX_UPLOAD_MB} Mo."
        )
    name = upload.name.lower()
    ext = name[name.rfind(".") :] if "." in name else ""
    if ext not in allowed:
        raise forms.ValidationError(
            "Type de fichier non accepté. Formats acceptés : "
            + ", ".join(sorted(e.lstrip(".") for e in allowed))
            + "."
        )
    magic = allowed[ext]
    head = upload.read(len(magic)) if magic else b""
    upload.seek(0)
    if magic and head != magic:
        raise forms.ValidationError("Le contenu du fichier ne correspond pas à son extension.")
    if ext in IMAGE_EXTENSIONS:
        # An image is judged whole, as the report's pictures are (pes21.images).
        read_image(upload.read(), formats={IMAGE_EXTENSIONS[ext]})
        upload.seek(0)


def model_data(form: forms.ModelForm) -> dict:
    """The cleaned values of the model's own fields, what a service sets on the record (not
    the many-to-many ones, the version or the one-time token)."""
    m2m = {f.name for f in form._meta.model._meta.many_to_many}
    return {
        name: form.cleaned_data[name]
        for name in form._meta.fields
        if name in form.cleaned_data and name not in m2m
    }


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["title", "file"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload


# Database keys are signed 64-bit integers. SQLite's driver cannot even bind a larger Python
# integer (OverflowError, an error 500), so such an id is refused before any query.
MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """A submitted record id as an int, or None when it cannot name a record."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if number <= MAX_ID else None


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of records that refuses impossible ids with a message, not a crash."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value:
                if str(pk).strip() and parse_id(pk) is None:
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": str(pk)[:30]},
                    )
        return super()._check_values(value)


class LoginForm(AuthenticationForm):
    """The login form, whose refusal (a non-field error: which of the two was wrong is not said)
    marks both fields invalid for screen readers."""

    def get_invalid_login_error(self) -> forms.ValidationError:
        until = getattr(self.request, "login_slowed_until", None)
        if until is None:
            return super().get_invalid_login_error()
        # Said whether or not the account exists: the count is kept for any username typed.
        return forms.ValidationError(
            "Beaucoup de mots de passe erronés ont été essayés sur ce compte : depuis une "
            "adresse où il ne s'est pas encore connecté, un essai est permis de temps en temps. "
            f"Réessayez à partir de {timezone.localtime(until):%H:%M:%S}.",
            code="slowed",
        )

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if not valid:
            for name in ("username", "password"):
                self.fields[name].widget.attrs["aria-invalid"] = "true"
        return valid


class SecondFactorCodeForm(forms.Form):
    """A code of the second factor: six digits from the application, or a backup code."""

    code = forms.CharField(
        label="Code de vérification",
        max_length=30,
        error_messages={"required": "Saisissez le code."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = help_text
