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
)
from .services import territory_twins

HIDDEN = ("version", "submission_token")


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
        self._check_twin(data)
        return data

    def _check_typed(self, data: dict) -> None:
        """A territory typed by hand: its name and kind, said the way this form asks them.
        Whether a Côte-d'Or code is an official commune's, under this name, is the model's
        rule (Territory.clean); a territory twice, the service's (territory_twins)."""
        code = (data.get("insee_code") or "").strip().upper()
        data["insee_code"] = code
        self.instance.insee_code = code
        if not (data.get("name") or "").strip():
            self.add_error("name", "Indiquez le nom du territoire ou choisissez-le dans la liste.")
        if not data.get("kind"):
            self.add_error("kind", "Indiquez le type de territoire.")

    def _check_twin(self, data: dict) -> None:
        """A territory recorded twice, said beside what was chosen or typed (the service
        refuses it too, whatever the door: `territory_twins`)."""
        if not data.get("kind") or not (data.get("name") or "").strip():
            return
        candidate = Territory(
            pk=self.instance.pk,
            kind=data["kind"],
            name=data["name"],
            insee_code=data.get("insee_code") or "",
        )
        for field, message in territory_twins([candidate]).get(0, {}).items():
            self.add_error("place" if data.get("place") else field, message)


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
