from django import forms

from pes21.concurrency import VersionedModelForm
from pes21.pickers import picker_field

from .images import MAX_BYTES
from .models import Focus, ImageKind, ReportEdition, ReportImage, TerritoryNarrative
from .services import EDITABLE_FIELDS

MARKDOWN_HELP = "Markdown : **gras**, *italique*, listes avec « - », liens [texte](https://…)."


PLAIN_FIELDS = {"rapport_moral_signature", "edito_signature", "partners", "contact", "memberships"}


class EditionForm(VersionedModelForm):
    class Meta:
        model = ReportEdition
        fields = list(EDITABLE_FIELDS)
        widgets = {
            field: forms.Textarea(attrs={"rows": 8})
            for field in EDITABLE_FIELDS
            if field not in PLAIN_FIELDS
        } | {
            "rapport_moral_signature": forms.Textarea(attrs={"rows": 2}),
            "edito_signature": forms.Textarea(attrs={"rows": 2}),
            "partners": forms.Textarea(attrs={"rows": 6}),
            "memberships": forms.Textarea(attrs={"rows": 4}),
            "contact": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Textarea) and name not in PLAIN_FIELDS:
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
            "volunteer",
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
        self.fields["territorial_project"] = picker_field(
            "projet_territoire", scope=scope, label="Projet de territoire", required=False
        )
        self.fields["volunteer"] = picker_field(
            "benevole", scope=scope, label="Bénévole", required=False
        )
        self.fields["text"].help_text = MARKDOWN_HELP
        self.fields["title"].help_text = "Sans « Focus sur : », que le rapport ajoute."


# The text form, one page per part of the report: (slug, title, fields).
TEXT_SECTIONS = [
    (
        "ouverture",
        "Rapport moral et édito",
        ["rapport_moral", "rapport_moral_signature", "edito", "edito_signature"],
    ),
    (
        "vie-associative",
        "Vie associative, équipe, projet associatif",
        ["vie_associative", "volunteer_missions_intro", "team_text", "projet_associatif"],
    ),
    (
        "activites",
        "Générateur, DLA, création, sensibilisation",
        ["text_generateur", "text_dla", "text_creation", "text_sensibilisation"],
    ),
    (
        "dijon-club",
        "Métropole et Ville de Dijon, Club des entrepreneurs",
        ["text_dijon", "text_club"],
    ),
    (
        "fin",
        "Perspectives, coordonnées, partenaires",
        ["perspectives", "contact", "partners", "memberships"],
    ),
]
TEXT_SECTION_FIELDS = {slug: fields for slug, _, fields in TEXT_SECTIONS}


def edition_section_form(section: str) -> type[EditionForm]:
    """The edition's form for one part of the report (each part has its own save button)."""
    return forms.modelform_factory(
        ReportEdition, form=EditionForm, fields=TEXT_SECTION_FIELDS[section]
    )


class ImageForm(forms.Form):
    kind = forms.ChoiceField(label="Image", choices=ImageKind.choices)
    section = forms.ChoiceField(
        label="Rubrique (photo d'une rubrique)",
        choices=[("", "—")] + list(ReportImage._meta.get_field("section").choices),
        required=False,
    )
    alt = forms.CharField(
        label="Ce que montre l'image",
        max_length=250,
        help_text="Lu à la place de l'image par les lecteurs d'écran et imprimé dans le PDF "
        "balisé. Par exemple : « Logo de la Région Bourgogne-Franche-Comté ».",
    )
    file = forms.FileField(
        label="Fichier",
        help_text="JPEG, PNG ou WebP, 5 Mo au plus. Redimensionnée pour l'impression.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("L'image dépasse 5 Mo : réduisez-la avant de la déposer.")
        return upload

    def clean(self):
        data = super().clean()
        if data.get("kind") == ImageKind.SECTION and not data.get("section"):
            self.add_error("section", "Choisissez la rubrique où imprimer cette photo.")
        return data


class NarrativeForm(forms.ModelForm):
    class Meta:
        model = TerritoryNarrative
        fields = ["subtitle", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = MARKDOWN_HELP
