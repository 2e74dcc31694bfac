from django import forms

from pes21.forms import check_upload

# A dataset is a .zip of CSV files, an .xlsx workbook or a single CSV file of the format.
DATASET_EXTENSIONS = {".zip": b"PK", ".xlsx": b"PK", ".csv": b""}


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier à importer",
        help_text="Archive .zip des fichiers CSV, classeur .xlsx ou un seul fichier CSV "
        "(porteurs.csv, projets.csv…).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload, DATASET_EXTENSIONS)
        return upload


class ExportForm(forms.Form):
    year = forms.IntegerField(
        label="Année",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="Laisser vide pour tout exporter.",
    )
