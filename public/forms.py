"""The public forms (each a SpamCheckedForm) and the staff's forms about the public doors."""

import re

from django import forms
from django.core.exceptions import ValidationError

from generateur import places
from pes21.concurrency import VersionedFormMixin, VersionedModelForm
from pes21.forms import DateInput
from pes21.phones import normalise_phone

from .antispam import SpamCheckedForm
from .models import (
    HeardFrom,
    Opening,
    PathStage,
    Publication,
    QuestionnaireAnswer,
    RequestKind,
    Satisfaction,
)

CONSENT_LABEL = (
    "J'accepte que le Pôle d'Économie Solidaire 21 conserve ces informations pour répondre "
    "à ma demande, comme le décrit la notice de confidentialité."
)
CONSENT_REQUIRED = "Cochez la case pour que nous puissions garder ces informations."


def _consent_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=CONSENT_LABEL, required=True, error_messages={"required": CONSENT_REQUIRED}
    )


class PersonFields(forms.Form):
    """Name, e-mail and optional phone, as every public door asks them."""

    first_name = forms.CharField(
        label="Prénom", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Nom", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(
        label="Courriel",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="Nous vous écrivons à cette adresse.",
    )
    phone = forms.CharField(
        label="Téléphone (facultatif)",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data["phone"])

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class RegistrationForm(SpamCheckedForm, PersonFields):
    form_name = "registration"

    consent = _consent_field()


class ProjectRequestForm(SpamCheckedForm, PersonFields):
    """« Déposer mon projet »: the idea, where in the Côte-d'Or, where the person stands."""

    form_name = "project-request"

    kind = forms.ChoiceField(
        label="Vous souhaitez", choices=RequestKind.choices, widget=forms.RadioSelect
    )
    project_name = forms.CharField(
        label="Nom de votre projet (facultatif)", max_length=200, required=False
    )
    structure_name = forms.CharField(
        label="Nom de la structure",
        max_length=200,
        required=False,
        help_text="Si vous représentez une structure qui existe déjà.",
    )
    siret = forms.CharField(
        label="SIRET de la structure (facultatif)",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    employees = forms.IntegerField(
        label="Nombre de salarié·es (facultatif)", min_value=0, max_value=100000, required=False
    )
    idea = forms.CharField(
        label="Votre idée, votre besoin",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Quelques lignes suffisent : ce que vous voulez faire, pour qui, avec qui.",
    )
    postal_code = forms.CharField(
        label="Code postal",
        max_length=5,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    commune = forms.CharField(
        label="Commune",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    stage = forms.ChoiceField(
        label="Où en êtes-vous ?", choices=PathStage.choices, widget=forms.RadioSelect
    )
    heard_from = forms.ChoiceField(
        label="Comment avez-vous connu le Pôle ? (facultatif)",
        choices=[("", "—"), *HeardFrom.choices],
        required=False,
    )
    heard_from_detail = forms.CharField(
        label="Précisez si vous le souhaitez", max_length=200, required=False
    )
    consent = _consent_field()

    def clean_postal_code(self) -> str:
        value = self.cleaned_data["postal_code"].strip()
        if not re.fullmatch(r"\d{5}", value):
            raise ValidationError("Un code postal a 5 chiffres, par exemple 21000.")
        return value

    def clean_siret(self) -> str:
        from pes21.validators import siret_problem

        value = re.sub(r"\s", "", self.cleaned_data["siret"])
        if value and (problem := siret_problem(value)):
            raise ValidationError(problem)
        return value

    def clean(self):
        cleaned = super().clean()
        postal_code, commune = cleaned.get("postal_code"), cleaned.get("commune")
        if postal_code and commune and postal_code.startswith(places.DEPARTMENT_PREFIX):
            # In the Côte-d'Or, the commune is written as INSEE does (the figures by territory
            # read it); elsewhere it is kept as typed.
            wanted = places.folded(commune)
            known = [
                place
                for place in places.cote_dor().communes
                if postal_code in place.postal_codes and places.folded(place.name) == wanted
            ]
            if known:
                cleaned["commune"] = known[0].name
            else:
                self.add_error(
                    "commune",
                    "Cette commune n'a pas ce code postal en Côte-d'Or : vérifiez l'un ou "
                    "l'autre (par exemple Dijon, 21000).",
                )
        if cleaned.get("kind") == RequestKind.STRUCTURE and not cleaned.get("structure_name"):
            self.add_error("structure_name", "Indiquez le nom de votre structure.")
        return cleaned


class QuestionnaireForm(SpamCheckedForm, forms.ModelForm):
    form_name = "questionnaire"

    consent = forms.BooleanField(
        label="J'accepte que le Pôle d'Économie Solidaire 21 conserve mes réponses avec le "
        "dossier de mon projet, comme le décrit la notice de confidentialité.",
        required=True,
        error_messages={"required": CONSENT_REQUIRED},
    )

    class Meta:
        model = QuestionnaireAnswer
        fields = [
            "satisfaction",
            "motivation",
            "heard_from",
            "why_us",
            "key_moments",
            "brought",
            "missed",
            "ending",
            "quote",
            "publication",
        ]
        labels = {"satisfaction": "Dans l'ensemble, êtes-vous satisfait·e de l'accompagnement ?"}
        widgets = {
            "satisfaction": forms.RadioSelect,
            "publication": forms.RadioSelect,
            **{name: forms.Textarea(attrs={"rows": 3}) for name in QuestionnaireAnswer.WRITTEN},
            "quote": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["satisfaction"].choices = list(reversed(Satisfaction.choices))
        self.fields["heard_from"].choices = [("", "—"), *HeardFrom.choices]
        self.fields["publication"].choices = Publication.choices

    def answer_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


# --- Staff --------------------------------------------------------------------------------------


class OpeningForm(VersionedModelForm):
    class Meta:
        model = Opening
        fields = [
            "is_open",
            "capacity",
            "closes_on",
            "starts_at",
            "ends_at",
            "place",
            "description",
        ]
        widgets = {
            "closes_on": DateInput,
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class AttendanceForm(VersionedFormMixin):
    """Who came: `present` ids and, for a present registrant matching known holders, the
    choice (`fiche-<id>`: a holder id or « nouveau »). The version is the action's."""

    def __init__(self, *args, action, **kwargs):
        self.action = action
        super().__init__(*args, **kwargs)

    def versioned_record(self):
        return self.action

    def present_ids(self) -> set[int]:
        return {int(value) for value in self.data.getlist("present") if value.isdigit()}

    def choices(self) -> dict[int, str]:
        found = {}
        for key, value in self.data.items():
            if key.startswith("fiche-") and key[6:].isdigit():
                found[int(key[6:])] = value[:20]
        return found


class InvitationForm(forms.Form):
    holders = forms.TypedMultipleChoiceField(
        label="Porteurs à qui envoyer le questionnaire",
        coerce=int,
        required=True,
        error_messages={"required": "Cochez au moins un porteur."},
    )

    def __init__(self, *args, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holders"].choices = [(h.pk, f"{h} ({h.email})") for h in holders]
