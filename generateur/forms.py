import datetime as dt

from crispy_forms.layout import Column, Field, Fieldset, Row
from django import forms
from django.utils import timezone

from pes21.concurrency import OnceFormMixin, VersionedForm, VersionedFormMixin
from pes21.forms import DateInput, form_helper
from pes21.models import User

from . import places
from .models import (
    ActionKind,
    Phase,
    TerritorialAction,
    TerritorialProject,
    Territory,
    TerritoryKind,
)

HIDDEN = ("version", "submission_token")


def _french_date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


class TerritoryForm(VersionedForm):
    place = forms.ChoiceField(
        label="Commune ou intercommunalité de la Côte-d'Or",
        required=False,
        help_text="Choisissez dans la liste officielle : le nom, le type et le code sont remplis. "
        "Sinon (quartier, autre département…), saisissez-les ci-dessous.",
    )

    class Meta:
        model = Territory
        fields = ["name", "kind", "insee_code"]
        help_texts = {
            "insee_code": "5 caractères pour une commune (21231), SIREN à 9 chiffres pour un EPCI.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [("", "— Saisie libre —"), *places.choices()]
        self.fields["place"].widget.attrs["data-place-picker"] = ""
        # Filled from the list when a place is chosen; checked in clean() otherwise.
        self.fields["name"].required = False
        self.fields["kind"].required = False
        if self.instance.pk and places.get(self.instance.insee_code or ""):
            self.fields["place"].initial = self.instance.insee_code
        self.helper = form_helper(
            "Enregistrer",
            Field("place"),
            Fieldset(
                "Ou saisie libre",
                Row(
                    Column("name", css_class="col-md-6"),
                    Column("kind", css_class="col-md-3"),
                    Column("insee_code", css_class="col-md-3"),
                ),
            ),
            *HIDDEN,
        )

    def clean(self) -> dict:
        data = super().clean()
        place = places.get(data.get("place") or "")
        if data.get("place") and place is None:
            self.add_error("place", "Ce territoire n'est pas dans la liste.")
            return data
        if place:
            # The list wins over what was typed: that is the point of choosing from it.
            data.update(name=place.name, kind=place.kind, insee_code=place.code)
            for name in ("name", "kind", "insee_code"):
                setattr(self.instance, name, data[name])
                self.errors.pop(name, None)
        else:
            self._check_typed(data)
        self._check_duplicate(data)
        return data

    def _check_typed(self, data: dict) -> None:
        name, kind = (data.get("name") or "").strip(), data.get("kind")
        code = (data.get("insee_code") or "").strip().upper()
        data["insee_code"] = code
        self.instance.insee_code = code
        if not name:
            self.add_error("name", "Indiquez le nom du territoire ou choisissez-le dans la liste.")
        if not kind:
            self.add_error("kind", "Indiquez le type de territoire.")
        if not name or not kind:
            return
        official = places.get(code) if code else None
        if kind == TerritoryKind.COMMUNE and code.startswith(places.DEPARTMENT_PREFIX):
            if official is None:
                self.add_error(
                    "insee_code",
                    f"Aucune commune de la Côte-d'Or n'a le code INSEE {code} : "
                    "choisissez-la dans la liste.",
                )
            elif places.folded(official.name) != places.folded(name):
                self.add_error(
                    "insee_code",
                    f"Le code INSEE {code} est celui de {official.name}, pas de {name}.",
                )

    def _check_duplicate(self, data: dict) -> None:
        kind, code, name = data.get("kind"), data.get("insee_code"), data.get("name")
        if not kind or not name:
            return
        same = Territory.objects.exclude(pk=self.instance.pk).filter(kind=kind)
        twin = (
            same.filter(insee_code=code).first() if code else same.filter(name__iexact=name).first()
        )
        if twin:
            self.add_error(
                "place" if data.get("place") else "insee_code" if code else "name",
                f"Ce territoire existe déjà : {twin.name}.",
            )


class ProjectForm(VersionedForm):
    staff = forms.ModelChoiceField(
        label="Chargé·e de mission", queryset=User.objects.staff_members(), required=False
    )

    class Meta:
        model = TerritorialProject
        fields = [
            "territory",
            "name",
            "staff",
            "started_on",
            "ended_on",
            "phase",
            "partners",
            "funders",
            "summary",
            "created_structure_name",
            "created_structure_legal_form",
            "created_structure_on",
        ]
        widgets = {
            "started_on": DateInput,
            "ended_on": DateInput,
            "created_structure_on": DateInput,
            "partners": forms.Textarea(attrs={"rows": 2}),
            "funders": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "partners": "Mairie, centre social, associations…",
            "phase": "Un changement de phase ici est inscrit dans l'historique, à la date du jour.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = User.objects.staff_members()
        self.fields["territory"].queryset = Territory.objects.order_by("name", "pk")
        if not self.instance.pk:
            self.fields["phase"].help_text = "La phase de départ, inscrite à la date de début."
            self.fields["started_on"].initial = timezone.localdate()
        self.helper = form_helper(
            "Enregistrer",
            Row(Column("territory", css_class="col-md-5"), Column("name")),
            Row(Column("staff"), Column("phase"), Column("started_on"), Column("ended_on")),
            Row(Column("partners"), Column("funders")),
            Field("summary"),
            Fieldset(
                "Structure créée",
                Row(
                    Column("created_structure_name", css_class="col-md-6"),
                    Column("created_structure_legal_form"),
                    Column("created_structure_on"),
                ),
            ),
            *HIDDEN,
        )

    def clean(self) -> dict:
        data = super().clean()
        started, ended = data.get("started_on"), data.get("ended_on")
        created_on = data.get("created_structure_on")
        if started and ended and ended < started:
            self.add_error("ended_on", "La fin du projet précède son début.")
        if started and created_on and created_on < started:
            self.add_error(
                "created_structure_on", "La structure ne peut être créée avant le début du projet."
            )
        if (data.get("created_structure_legal_form") or created_on) and not data.get(
            "created_structure_name"
        ):
            self.add_error("created_structure_name", "Indiquez le nom de la structure créée.")
        return data


class PhaseChangeForm(VersionedFormMixin):
    phase = forms.ChoiceField(label="Nouvelle phase")
    on = forms.DateField(label="Date", widget=DateInput)
    note = forms.CharField(label="Pourquoi (facultatif)", max_length=300, required=False)

    def __init__(self, *args, project: TerritorialProject, **kwargs):
        self.project = project
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = [
            (value, label) for value, label in Phase.choices if value != project.phase
        ]
        self.fields["on"].initial = timezone.localdate()

    def versioned_record(self) -> TerritorialProject:
        return self.project


class ActionForm(OnceFormMixin, forms.ModelForm):
    """The quick form of the project page: date, kind and participants are enough."""

    class Meta:
        model = TerritorialAction
        fields = ["date", "kind", "participants", "title", "notes"]
        widgets = {
            "date": DateInput,
            "notes": forms.Textarea(attrs={"rows": 2}),
            "participants": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
        }
        labels = {"participants": "Participants"}

    def __init__(self, *args, project: TerritorialProject, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.instance.project = project
        if not self.instance.pk:
            self.fields["date"].initial = timezone.localdate()
            # Workshops with residents are most of the actions: one choice less to make.
            self.fields["kind"].initial = ActionKind.WORKSHOP
        self.fields["title"].widget.attrs["placeholder"] = "Atelier recyclerie, COPIL n° 2…"
        self.helper = form_helper(
            "Enregistrer",
            Row(
                Column("date", css_class="col-sm-4"),
                Column("kind", css_class="col-sm-5"),
                Column("participants", css_class="col-sm-3"),
            ),
            Field("title"),
            Field("notes"),
            "submission_token",
        )

    def clean_date(self) -> dt.date:
        value = self.cleaned_data["date"]
        project = self.project
        if value < project.started_on:
            raise forms.ValidationError(
                f"Cette date précède le début du projet ({_french_date(project.started_on)})."
            )
        if project.ended_on and value > project.ended_on:
            raise forms.ValidationError(
                f"Cette date suit la fin du projet ({_french_date(project.ended_on)})."
            )
        return value
