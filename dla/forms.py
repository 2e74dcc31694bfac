import datetime as dt
from decimal import Decimal
from html import escape

from crispy_forms.layout import Div, Field
from django import forms
from django.core import validators
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from pes21.concurrency import OnceFormMixin, VersionedForm, VersionedModelForm
from pes21.forms import DateInput, form_helper
from pes21.models import User
from pes21.pickers import PickerMultipleChoiceField, picker_field

from .models import CollectiveEngineering, Provider, Step, StepKind, Structure

# The themes the national DLA names; free text is allowed, these are suggestions.
SUGGESTED_THEMES = [
    "projet associatif",
    "modèle économique",
    "fonction employeur",
    "gouvernance",
    "communication",
    "mécénat",
    "stratégie",
    "mutualisation",
    "numérique",
    "finances",
]
ENGINEERING_KINDS_ATTR = f"{StepKind.INDIVIDUAL_ENGINEERING} {StepKind.COLLECTIVE_ENGINEERING}"


class FastSelectMixin:
    """Render the options in one pass instead of one template per option.

    Django renders every <option> through a template: a thousand structures or collective
    engineerings take about a second. Same markup, a few milliseconds.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        chosen = {str(v) for v in self.format_value(value)}
        # Plain string building with html.escape: format_html per option costs ten times more.
        options = "".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) in chosen else ""}>'
            f"{_escaped(label)}</option>"
            for key, label in self.choices
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe(options))


def _escaped(label) -> str:
    return label.__html__() if hasattr(label, "__html__") else escape(str(label))


class FastSelect(FastSelectMixin, forms.Select):
    pass


class ThemeInput(forms.TextInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={"list": "dla-themes", **(attrs or {})})


def _digits(value: str) -> str:
    return "".join(value.split())


class StructureForm(VersionedModelForm):
    class Meta:
        model = Structure
        fields = [
            "name",
            "siret",
            "legal_form",
            "sector",
            "employees",
            "fte",
            "postal_code",
            "commune",
            "created_on",
            "esus_obtained_on",
            "esus_expires_on",
        ]
        widgets = {
            "created_on": DateInput,
            "esus_obtained_on": DateInput,
            "esus_expires_on": DateInput,
        }
        help_texts = {
            "siret": "14 chiffres, espaces acceptés.",
            "esus_expires_on": "Vide : cinq ans après l'obtention (renouvellement).",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Spaces are stripped before the model's SIRET check runs.
        siret = self.fields["siret"]
        siret.max_length = None
        siret.validators = [
            v for v in siret.validators if not isinstance(v, validators.MaxLengthValidator)
        ]
        siret.widget.attrs.pop("maxlength", None)
        self.helper = form_helper(
            None,
            "name",
            Div(
                Div("siret", css_class="col-md-6"),
                Div("legal_form", css_class="col-md-6"),
                css_class="row",
            ),
            Div(
                Div("sector", css_class="col-md-6"),
                Div("created_on", css_class="col-md-6"),
                css_class="row",
            ),
            Div(
                Div("employees", css_class="col-md-6"),
                Div("fte", css_class="col-md-6"),
                css_class="row",
            ),
            Div(
                Div("postal_code", css_class="col-md-4"),
                Div("commune", css_class="col-md-8"),
                css_class="row",
            ),
            Div(
                Div("esus_obtained_on", css_class="col-md-6"),
                Div("esus_expires_on", css_class="col-md-6"),
                css_class="row",
            ),
            "version",
        )

    def clean_siret(self) -> str:
        return _digits(self.cleaned_data["siret"])

    def clean_postal_code(self) -> str:
        # Typed "21 000" or pasted with spaces; the model checks the five digits.
        return _digits(self.cleaned_data["postal_code"])


class StructureCreateForm(OnceFormMixin, StructureForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout.append("submission_token")


class ProviderForm(VersionedModelForm):
    class Meta:
        model = Provider
        fields = ["name", "contact_name", "email", "phone", "themes"]
        help_texts = {"themes": "Séparés par des points-virgules."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class ProviderCreateForm(OnceFormMixin, ProviderForm):
    pass


class StepForm(VersionedForm):
    """One form for every step; the kind decides which fields matter (the rest are hidden)."""

    class Meta:
        model = Step
        fields = [
            "kind",
            "date",
            "ended_on",
            "collective",
            "provider",
            "days",
            "cost_eur",
            "theme",
            "staff",
            "notes",
        ]
        widgets = {
            "date": DateInput,
            "ended_on": DateInput,
            "collective": FastSelect,
            "provider": FastSelect,
            "staff": FastSelect,
            "theme": ThemeInput,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "collective": "Celles des trois dernières années ; prestataire et thème en viennent.",
            "ended_on": "Pour une ingénierie, sa fin lance le suivi à 6 mois.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = User.objects.staff_members()
        self.fields["collective"].queryset = _recent_collectives(self.instance.collective_id)
        self.fields["collective"].label_from_instance = _collective_label
        self.fields["kind"].widget.attrs["data-step-kind"] = ""
        self.helper = form_helper(
            None,
            Div(
                Div("kind", css_class="col-md-6"),
                Div("date", css_class="col-md-3"),
                Div("ended_on", css_class="col-md-3"),
                css_class="row",
            ),
            Div(Field("collective"), data_kinds=StepKind.COLLECTIVE_ENGINEERING),
            Div(
                Div("provider", css_class="col-md-6"),
                Div("theme", css_class="col-md-6"),
                css_class="row",
                data_kinds=StepKind.INDIVIDUAL_ENGINEERING,
            ),
            Div(
                Div("days", css_class="col-md-6"),
                Div("cost_eur", css_class="col-md-6"),
                css_class="row",
                data_kinds=ENGINEERING_KINDS_ATTR,
            ),
            "staff",
            "notes",
            "version",
            "submission_token",
        )


# A structure joins a collective engineering while it runs: offering the last three years
# keeps the list short after twenty years of history (a step keeps its own, however old).
COLLECTIVE_CHOICE_YEARS = 3


def _recent_collectives(current_pk: int | None):
    since = timezone.localdate() - dt.timedelta(days=365 * COLLECTIVE_CHOICE_YEARS)
    recent = Q(started_on__gte=since) | Q(started_on__isnull=True)
    if current_pk:
        recent |= Q(pk=current_pk)
    return (
        CollectiveEngineering.objects.filter(recent)
        .only("pk", "ref", "title", "theme", "started_on")
        .order_by("-started_on", "ref")
    )


def _collective_label(collective: CollectiveEngineering) -> str:
    start = f" ({collective.started_on:%d/%m/%Y})" if collective.started_on else ""
    return f"{collective.ref} – {collective.title or collective.theme}{start}"


class CollectiveForm(VersionedModelForm):
    class Meta:
        model = CollectiveEngineering
        fields = ["ref", "title", "provider", "theme", "started_on", "ended_on", "deliverable"]
        widgets = {
            "started_on": DateInput,
            "ended_on": DateInput,
            "provider": FastSelect,
            "theme": ThemeInput,
            "deliverable": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].required = True
        self.fields["provider"].required = True
        self.fields["theme"].required = True
        self.helper = form_helper(
            None,
            Div(
                Div("ref", css_class="col-md-4"),
                Div("title", css_class="col-md-8"),
                css_class="row",
            ),
            Div(
                Div("provider", css_class="col-md-6"),
                Div("theme", css_class="col-md-6"),
                css_class="row",
            ),
            Div(
                Div("started_on", css_class="col-md-6"),
                Div("ended_on", css_class="col-md-6"),
                css_class="row",
            ),
            "deliverable",
            "version",
        )


class CollectiveCreateForm(OnceFormMixin, CollectiveForm):
    """A collective engineering with the structures taking part, created in one go."""

    structures = PickerMultipleChoiceField(
        "structure",
        label="Structures participantes",
        queryset=Structure.objects.only("pk", "name", "commune").order_by("name", "pk"),
        help_text="Au moins deux : cherchez chacune, puis cochez-la.",
    )
    days_per_structure = forms.DecimalField(
        label="Jours par structure", min_value=Decimal(0), max_digits=6, decimal_places=2
    )
    cost_per_structure = forms.DecimalField(
        label="Coût par structure (€)", min_value=Decimal(0), max_digits=10, decimal_places=2
    )
    staff = forms.ModelChoiceField(label="Chargé·e de mission", queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = User.objects.staff_members()
        self.helper.layout.extend(
            [
                "structures",
                Div(
                    Div("days_per_structure", css_class="col-md-6"),
                    Div("cost_per_structure", css_class="col-md-6"),
                    css_class="row",
                ),
                "staff",
                "submission_token",
            ]
        )


class CollectiveJoinForm(OnceFormMixin, forms.Form):
    """One more structure in a collective engineering, from the collective's page."""

    structure = forms.ModelChoiceField(queryset=Structure.objects.none())  # set per collective
    days = forms.DecimalField(label="Jours", min_value=Decimal(0), max_digits=6, decimal_places=2)
    cost_eur = forms.DecimalField(
        label="Coût (€)", min_value=Decimal(0), max_digits=10, decimal_places=2
    )

    def __init__(self, *args, collective: CollectiveEngineering, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"] = picker_field(
            "structure",
            scope=f"hors:{collective.pk}",
            label="Structure",
            help_text="Tapez au moins deux caractères, puis choisissez la structure.",
        )
        self.helper = form_helper(
            None,
            "structure",
            Div(
                Div("days", css_class="col-6"), Div("cost_eur", css_class="col-6"), css_class="row"
            ),
            "submission_token",
        )
