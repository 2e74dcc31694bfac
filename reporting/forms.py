from django import forms

from generateur.models import TerritorialProject
from pes21.concurrency import VersionedModelForm
from pes21.pickers import picker_field

from .models import Focus, ReportEdition
from .services import EDITABLE_FIELDS

MARKDOWN_HELP = "Markdown : **gras**, *italique*, listes avec « - », liens [texte](https://…)."


class EditionForm(VersionedModelForm):
    class Meta:
        model = ReportEdition
        fields = list(EDITABLE_FIELDS)
        widgets = {
            field: forms.Textarea(attrs={"rows": 8})
            for field in EDITABLE_FIELDS
            if field not in ("rapport_moral_signature", "edito_signature", "partners", "contact")
        } | {
            "partners": forms.Textarea(attrs={"rows": 6}),
            "contact": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Textarea) and name not in ("partners", "contact"):
                field.help_text = MARKDOWN_HELP


class FocusForm(forms.ModelForm):
    """A testimonial; its subject is chosen among the records of the report's year."""

    class Meta:
        model = Focus
        fields = [
            "section",
            "title",
            "speaker",
            "text",
            "project",
            "structure",
            "territorial_project",
            "position",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the year's records, searched rather than listed (pes21.pickers).
        scope = f"annee:{year}"
        self.fields["project"] = picker_field("projet", scope=scope, label="Projet", required=False)
        self.fields["structure"] = picker_field(
            "structure", scope=scope, label="Structure", required=False
        )
        self.fields["territorial_project"].queryset = (
            TerritorialProject.objects.active_in(year).select_related("territory").order_by("name")
        )
        self.fields["text"].help_text = MARKDOWN_HELP
