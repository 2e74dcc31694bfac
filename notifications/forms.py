from django import forms

from pes21.forms import form_helper
from pes21.models import User, Weekday


class DigestForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["digest_weekday"]
        labels = {"digest_weekday": "Recevoir un récapitulatif par courriel"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["digest_weekday"]
        field.choices = [("", "jamais"), *Weekday.choices]
        field.help_text = (
            "Une fois par semaine, le jour choisi : vos prochaines étapes, les suivis à faire "
            "et les dossiers bénévoles en attente (équipe) ; les nouveaux dossiers pour vous "
            "(bénévoles). Rien n'est envoyé quand il n'y a rien à dire."
        )
        self.helper = form_helper("Enregistrer")
