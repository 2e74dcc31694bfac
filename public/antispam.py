"""Spam kept off the public forms without a third-party service.

Three checks, each stopping a different robot before anything is written:
- a honeypot: a field people never see nor reach with the keyboard, that robots fill;
- a minimum fill time: the form carries a signed stamp of when it was shown, and one sent back
  in under MIN_FILL_SECONDS was not filled by a person (a stamp cannot be forged or reused on
  another form: it is signed with the site's key and names its form);
- a limit of POSTs per client address and minute, counted in the database (pes21.throttle)
  so that every process and server shares it, and a limit of e-mails per recipient address,
  so that nobody can use the forms to flood someone's inbox.
Every public POST is also bounded in size before Django reads its body (`guarded_post`).
"""

import time
import uuid
from functools import wraps

from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.core import signing
from django.shortcuts import render

from pes21 import throttle

MAILS_SPENT = (
    "Trop de courriels ont été envoyés à cette adresse dans l'heure : réessayez plus tard, ou "
    "écrivez-nous."
)

MIN_FILL_SECONDS = 2
# A form left open longer is refused (and shown again with a fresh stamp).
STAMP_MAX_AGE_SECONDS = 24 * 3600
# The largest public form (questionnaire) is about 14 KB when every box is full.
MAX_POST_BYTES = 32 * 1024
POST_WINDOW_SECONDS = 60
MAIL_WINDOW_SECONDS = 3600

HONEYPOT_FIELD = "site_web"
TOO_FAST = (
    "Le formulaire a été envoyé très vite après son affichage : relisez vos réponses, "
    "puis envoyez-le à nouveau."
)
STALE = "Ce formulaire était ouvert depuis plus d'un jour : vérifiez vos réponses et renvoyez-le."
HONEYPOT = (
    "Le formulaire n'a pas pu être envoyé : laissez vide le champ « Laissez ce champ vide », "
    "puis envoyez-le à nouveau."
)
BROKEN = "Le formulaire est incomplet : rechargez la page, puis remplissez-le à nouveau."


def make_stamp(form_name: str, *, issued_at: float | None = None) -> str:
    """A signed stamp: which form, when it was shown, and a one-time id (double submits)."""
    issued = time.time() if issued_at is None else issued_at
    return signing.dumps(
        {"f": form_name, "t": issued, "n": uuid.uuid4().hex}, salt="public.form-stamp"
    )


def read_stamp(value: str, form_name: str) -> tuple[float, uuid.UUID]:
    """(when the form was shown, its one-time id); ValidationError in French otherwise."""
    try:
        data = signing.loads(value, salt="public.form-stamp", max_age=STAMP_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise forms.ValidationError(STALE, code="stale") from None
    except signing.BadSignature:
        raise forms.ValidationError(BROKEN, code="broken") from None
    if not isinstance(data, dict) or data.get("f") != form_name:
        raise forms.ValidationError(BROKEN, code="broken")
    try:
        issued, submission_id = float(data["t"]), uuid.UUID(str(data["n"]))
    except (KeyError, TypeError, ValueError):
        raise forms.ValidationError(BROKEN, code="broken") from None
    if time.time() - issued > STAMP_MAX_AGE_SECONDS:
        raise forms.ValidationError(STALE, code="stale")
    return issued, submission_id


class SpamCheckedForm(forms.Form):
    """A public form: the honeypot and the signed stamp, checked before any other rule."""

    form_name = "public"

    stamp = forms.CharField(widget=forms.HiddenInput, max_length=400)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stamp"].initial = make_stamp(self.form_name)
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            label="Laissez ce champ vide",
            required=False,
            max_length=200,
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )
        self.submission_id: uuid.UUID | None = None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(HONEYPOT_FIELD):
            raise forms.ValidationError(HONEYPOT, code="spam")
        try:
            issued, self.submission_id = read_stamp(self.data.get("stamp", ""), self.form_name)
        except forms.ValidationError as error:
            if error.code in ("stale", "broken"):
                # Shown again with a fresh stamp, so the next sending can pass.
                self.data = self.data.copy()
                self.data["stamp"] = make_stamp(self.form_name)
            raise
        if time.time() - issued < MIN_FILL_SECONDS:
            raise forms.ValidationError(TOO_FAST, code="too_fast")
        return cleaned


def client_address(request) -> str:
    """The client's address, read the way the login throttle reads it (behind the proxy too)."""
    return get_client_ip_address(request) or "inconnue"


def guarded_post(view):
    """Bound and rate-limit a public view's POSTs before the body is read or a form built."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = MAX_POST_BYTES + 1
            if length > MAX_POST_BYTES:
                return render(request, "public/refused.html", {"reason": "too_big"}, status=413)
            key = f"public:post:{client_address(request)}"
            limit = settings.PUBLIC_POSTS_PER_MINUTE
            if not throttle.spend(key, limit=limit, window_seconds=POST_WINDOW_SECONDS):
                return render(request, "public/refused.html", {"reason": "too_many"}, status=429)
        return view(request, *args, **kwargs)

    return wrapper


def may_mail(address: str) -> bool:
    """Spend one of the e-mails an address may receive from the public doors in an hour."""
    key = f"public:mail:{address.strip().lower()}"
    return throttle.spend(
        key, limit=settings.PUBLIC_MAILS_PER_ADDRESS, window_seconds=MAIL_WINDOW_SECONDS
    )
