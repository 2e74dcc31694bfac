import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone

from pes21.concurrency import VersionedModelForm
from pes21.forms import DateInput, IdsChoiceField, form_helper, model_data

from .models import Case, Contribution, Mission, Skill, Volunteer


class VolunteerForm(VersionedModelForm):
    missions = forms.MultipleChoiceField(
        label="Missions souhaitées",
        choices=Mission.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skills = IdsChoiceField(
        label="Compétences",
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    invite = forms.BooleanField(
        label="Envoyer une invitation à choisir son mot de passe",
        required=False,
        initial=True,
    )

    class Meta:
        model = Volunteer
        fields = [
            "last_name",
            "first_name",
            "email",
            "phone",
            "availability",
            "joined_on",
            "left_on",
            "consent_on",
        ]
        widgets = {
            "joined_on": DateInput(),
            "left_on": DateInput(),
            "consent_on": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()
        if self.instance.pk:
            # Invitations of an existing volunteer have their own button.
            del self.fields["invite"]
            self.fields["missions"].initial = self.instance.missions
        else:
            self.fields["joined_on"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("invite") and not cleaned.get("email"):
            self.add_error("email", "Un courriel est nécessaire pour envoyer l'invitation.")
        return cleaned

    def model_data(self) -> dict:
        return model_data(self) | {"missions": list(self.cleaned_data["missions"])}


class CaseForm(forms.ModelForm):
    skills = IdsChoiceField(
        label="Compétences recherchées",
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les bénévoles qui ont l'une de ces compétences sont prévenus par courriel.",
    )

    class Meta:
        model = Case
        fields = ["mission", "expected_hours", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "description": "Visible de tous les bénévoles : décrivez le besoin sans nommer "
            "les porteurs ni donner leurs coordonnées.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


_DURATION = re.compile(
    r"^\s*(?:(?P<h>\d+)\s*h(?:eures?)?\s*(?P<hm>\d{1,2})?\s*(?:min)?"
    r"|(?P<m>\d+)\s*min(?:utes?)?"
    r"|(?P<dec>\d+(?:[.,]\d+)?))\s*$",
    re.IGNORECASE,
)


def parse_duration(text: str) -> int:
    """Minutes from what a person types: "1h30", "2 h", "45 min", "1,5" (hours)."""
    match = _DURATION.match(text or "")
    if not match:
        raise forms.ValidationError(
            "Indiquez une durée comme « 1h30 », « 45 min » ou « 1,5 » (heures)."
        )
    if match["h"] is not None:
        minutes = int(match["h"]) * 60 + int(match["hm"] or 0)
    elif match["m"] is not None:
        minutes = int(match["m"])
    else:
        try:
            minutes = int((Decimal(match["dec"].replace(",", ".")) * 60).to_integral_value())
        except InvalidOperation:
            raise forms.ValidationError("Durée illisible.") from None
    # How much is plausible is the model's rule (pes21.validators.minutes_in_a_day).
    return minutes


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Case) -> str:
        return f"{obj.project} ({obj.get_mission_display()})"


class ContributionForm(forms.ModelForm):
    case = CaseChoiceField(
        label="Dossier",
        queryset=Case.objects.none(),
        required=False,
        empty_label="Autre mission, sans dossier",
    )
    duration = forms.CharField(
        label="Temps passé", max_length=20, help_text="Par exemple « 1h30 », « 45 min » ou « 2 »."
    )

    field_order = ["case", "mission", "date", "duration", "notes"]

    class Meta:
        model = Contribution
        fields = ["case", "mission", "date", "notes"]
        widgets = {"date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, cases, fixed_case: Case | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()
        self.fields["case"].queryset = cases
        self.fields["mission"].required = False
        self.fields["mission"].help_text = "Pour du temps donné hors d'un dossier."
        self.fields["date"].initial = timezone.localdate()
        if fixed_case is not None:
            self.fields["case"].initial = fixed_case.pk
            self.fields["case"].widget = forms.HiddenInput()
            del self.fields["mission"]

    def clean_duration(self) -> int:
        return parse_duration(self.cleaned_data["duration"])

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("case") and "mission" in self.fields and not cleaned.get("mission"):
            self.add_error("mission", "Choisissez un dossier ou une mission.")
        return cleaned

    def _post_clean(self) -> None:
        # The service checks the model (the case's owner, the date) once the volunteer is set.
        pass
