import re

from crispy_forms.layout import HTML, Column, Field, Row
from django import forms

from dla.models import Structure
from pes21.choices import LegalForm
from pes21.concurrency import VersionedForm, VersionedFormMixin
from pes21.forms import DateInput, form_helper
from pes21.models import User
from pes21.phones import normalise_phone
from pes21.pickers import PickerChoiceField, PickerMultipleChoiceField

from .models import (
    CLOSED_STATUSES,
    CollectiveAction,
    Holder,
    Meeting,
    Project,
    ProjectStatus,
)

HIDDEN = ("version", "submission_token")


class HolderForm(VersionedForm):
    confirm_duplicate = forms.BooleanField(
        label="Créer quand même : c'est une autre personne", required=False
    )

    class Meta:
        model = Holder
        fields = [
            "last_name",
            "first_name",
            "email",
            "phone",
            "postal_code",
            "commune",
            "consent_on",
        ]
        widgets = {"consent_on": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicates: list[Holder] = []
        self.helper = form_helper(
            "Enregistrer",
            Row(Column("last_name"), Column("first_name")),
            Row(Column("email"), Column("phone")),
            Row(Column("postal_code", css_class="col-md-3"), Column("commune")),
            Field("consent_on"),
            *HIDDEN,
        )
        # confirm_duplicate is left out of the layout: the template shows it only once a
        # possible duplicate has been found.

    def clean_phone(self) -> str:
        # The model stores it normalised too; normalised here first, so that the duplicates
        # below are looked for by the number as stored.
        return normalise_phone(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if self.errors or data.get("confirm_duplicate"):
            return data
        duplicates = Holder.objects.possible_duplicates_of(
            last_name=data.get("last_name", ""),
            first_name=data.get("first_name", ""),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
        )
        if self.instance.pk:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        self.duplicates = list(duplicates[:5])
        if self.duplicates:
            self.add_error(
                "confirm_duplicate",
                "Un porteur du même nom avec ce courriel ou ce téléphone existe déjà. "
                "Vérifiez qu'il ne s'agit pas de la même personne, ou cochez cette case.",
            )
        return data


class ProjectForm(VersionedForm):
    holders = PickerMultipleChoiceField(
        "porteur",
        label="Porteurs",
        queryset=Holder.objects.all(),
        error_messages={"required": "Un projet a au moins un porteur."},
        help_text="Cochez les porteurs concernés. Personne n'est trouvé ? Créez le porteur "
        "(menu Porteurs), puis cherchez-le ici.",
    )
    structure = PickerChoiceField(
        "structure",
        label="Structure issue du projet",
        queryset=Structure.objects.only("pk", "name", "commune"),
        required=False,
    )
    referent = forms.ModelChoiceField(
        label="Référent·e", queryset=User.objects.staff_members(), required=False
    )

    class Meta:
        model = Project
        fields = [
            "name",
            "holders",
            "programme",
            "referent",
            "received_on",
            "started_on",
            "ended_on",
            "status",
            "created_on",
            "legal_form",
            "jobs_created",
            "structure",
            "summary",
            "next_step",
            "next_step_on",
        ]
        widgets = {
            "received_on": DateInput,
            "started_on": DateInput,
            "ended_on": DateInput,
            "created_on": DateInput,
            "next_step_on": DateInput,
            "summary": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "next_step": "Effacée quand le projet est clos (créé, abandonné ou réorienté).",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = User.objects.staff_members()
        self.helper = form_helper(
            "Enregistrer",
            "name",
            "holders",
            Row(Column("programme"), Column("referent"), Column("status")),
            Row(Column("received_on"), Column("started_on"), Column("ended_on")),
            Row(Column("created_on"), Column("legal_form"), Column("jobs_created")),
            "structure",
            "summary",
            Row(Column("next_step", css_class="col-md-8"), Column("next_step_on")),
            *HIDDEN,
        )


class MinutesField(forms.CharField):
    """A duration typed the way people say it: "90", "45 min", "1h30", "1 h", "1,5 h"."""

    def __init__(self, *args, **kwargs):
        kwargs.pop("max_value", None)
        kwargs.pop("min_value", None)
        kwargs.pop("step_size", None)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(placeholder="90 ou 1h30", inputmode="text")

    def to_python(self, value) -> int | None:
        text = re.sub(r"\s+", "", str(super().to_python(value) or "")).lower()
        if not text:
            return None
        if text.startswith("-"):
            raise forms.ValidationError("Une durée ne peut pas être négative.")
        hours = re.fullmatch(r"(\d+(?:[.,]\d+)?)h(?:(\d{1,2})(?:min)?)?", text)
        if hours:
            minutes = round(float(hours.group(1).replace(",", ".")) * 60)
            return minutes + int(hours.group(2) or 0)
        minutes = re.fullmatch(r"(\d+)(?:min|mn|minutes?)?", text)
        if minutes:
            return int(minutes.group(1))
        raise forms.ValidationError("Durée non comprise : écrivez par exemple 90, 45 min ou 1h30.")


class MeetingForm(VersionedForm):
    staff = forms.ModelChoiceField(
        label="Salarié·e", queryset=User.objects.staff_members(), required=False
    )

    class Meta:
        model = Meeting
        fields = ["date", "duration_minutes", "kind", "staff", "notes"]
        field_classes = {"duration_minutes": MinutesField}
        labels = {"duration_minutes": "Durée (minutes ou 1h30)"}
        widgets = {"date": DateInput, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, with_next_step: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = User.objects.staff_members()
        # The hours spent on a project are the sum of its meetings' durations: a meeting saved
        # without one would silently count for nothing.
        self.fields["duration_minutes"].required = True
        # Two fields a row: four in the page's right column cut the type and the staff's names.
        layout = [
            Row(Column("date"), Column("duration_minutes")),
            Row(Column("kind"), Column("staff")),
            "notes",
        ]
        if with_next_step:
            # After a meeting comes the next one: planned in the same gesture.
            self.fields["next_step"] = forms.CharField(
                label="Prochaine étape (facultatif)", max_length=200, required=False
            )
            self.fields["next_step_on"] = forms.DateField(
                label="le", widget=DateInput, required=False
            )
            layout.append(Row(Column("next_step", css_class="col-md-8"), Column("next_step_on")))
        self.helper = form_helper("Enregistrer le rendez-vous", *layout, *HIDDEN)


class ProjectVersionForm(VersionedFormMixin):
    """An action on a project (start, close) refused if the project changed meanwhile:
    a second click on the same button, or someone else's edit."""

    def __init__(self, *args, project: Project, **kwargs):
        self.project = project
        super().__init__(*args, **kwargs)

    def versioned_record(self) -> Project:
        return self.project


class ProjectStartForm(ProjectVersionForm):
    on = forms.DateField(label="Accompagnement commencé le", widget=DateInput)


class ProjectCloseForm(ProjectVersionForm):
    outcome = forms.ChoiceField(
        label="Issue",
        choices=[(s.value, s.label) for s in CLOSED_STATUSES],
        widget=forms.RadioSelect,
    )
    on = forms.DateField(label="Fin de l'accompagnement le", widget=DateInput)
    created_on = forms.DateField(label="Structure créée le", widget=DateInput, required=False)
    legal_form = forms.ChoiceField(
        label="Forme juridique", choices=[("", "---------"), *LegalForm.choices], required=False
    )
    jobs_created = forms.IntegerField(label="Emplois créés", min_value=0, required=False)
    partner = forms.CharField(label="Réorienté vers (partenaire)", max_length=100, required=False)
    note = forms.CharField(label="Commentaire", max_length=200, required=False)
    accept_consequences = forms.BooleanField(
        label="J'ai lu ce que la clôture efface et clôt, et je clos le projet", required=True
    )

    def __init__(self, *args, project: Project, has_consequences: bool = False, **kwargs):
        """`has_consequences`: closing clears a planned next step or closes volunteers' cases
        (the page lists them); the form then asks for `accept_consequences`."""
        super().__init__(*args, project=project, **kwargs)
        fields = ["partner", "note", "version"]
        if has_consequences:
            fields.insert(2, "accept_consequences")
        else:
            del self.fields["accept_consequences"]
        self.helper = form_helper(
            "Clore le projet",
            "outcome",
            "on",
            HTML(
                '<fieldset class="border rounded p-2 mb-3"><legend class="small">Si créé</legend>'
            ),
            Row(Column("created_on"), Column("legal_form"), Column("jobs_created")),
            HTML("</fieldset>"),
            *fields,
        )

    def clean(self):
        data = super().clean()
        # The partner is the closing's own question, kept in the status history's note; the
        # project's rules (a created one's date and legal form, dates in order) are the
        # model's, said on these fields by the view.
        if data.get("outcome") == ProjectStatus.REDIRECTED and not data.get("partner", "").strip():
            self.add_error("partner", "Indiquez vers quel partenaire le projet est réorienté.")
        return data


class CollectiveActionForm(VersionedForm):
    attendees = PickerMultipleChoiceField(
        "porteur",
        label="Porteurs présents (si connus)",
        queryset=Holder.objects.all(),
        required=False,
    )

    class Meta:
        model = CollectiveAction
        fields = [
            "date",
            "kind",
            "series",
            "title",
            "organisation",
            "animated_by_pes",
            "participants",
            "hours",
            "attendees",
            "notes",
        ]
        localized_fields = ["hours"]
        widgets = {"date": DateInput, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            "Enregistrer",
            Row(Column("date"), Column("kind"), Column("series")),
            "title",
            Row(Column("organisation", css_class="col-md-8"), Column("animated_by_pes")),
            Row(Column("participants"), Column("hours")),
            "attendees",
            "notes",
            *HIDDEN,
        )
