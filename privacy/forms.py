from django import forms


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label="Motif",
        max_length=200,
        initial="Demande de la personne",
        help_text="Par exemple : demande de la personne, durée de conservation dépassée.",
    )
    confirm = forms.BooleanField(
        label="Je confirme l'anonymisation : elle est définitive.",
        error_messages={"required": "Cochez la case pour confirmer l'anonymisation."},
    )


class BulkErasureForm(forms.Form):
    holders = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    volunteers = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    confirm = forms.BooleanField(
        error_messages={"required": "Cochez la case pour confirmer l'anonymisation."}
    )

    def __init__(self, *args, holder_ids=(), volunteer_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Only people actually past the retention period can be picked.
        self.fields["holders"].choices = [(pk, pk) for pk in holder_ids]
        self.fields["volunteers"].choices = [(pk, pk) for pk in volunteer_ids]

    def clean(self):
        data = super().clean()
        if not data.get("holders") and not data.get("volunteers"):
            raise forms.ValidationError("Sélectionnez au moins une personne.")
        return data
