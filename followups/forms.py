from crispy_forms.layout import Column, Row
from django import forms
from django.utils import timezone

from pes21.concurrency import VersionedForm
from pes21.forms import DateInput, form_helper

from .models import FollowUp

HIDDEN = ("version", "submission_token")


def _years_label(years: int) -> str:
    return f"à {years} an{'s' if years > 1 else ''}"


class FollowUpForm(VersionedForm):
    """The quick answer: situation, jobs, a note; the year is chosen among those open."""

    class Meta:
        model = FollowUp
        fields = ["outcome", "headcount", "fte", "answered_on", "note"]
        localized_fields = ["fte"]
        labels = {"headcount": "Salarié·es", "fte": "ETP", "answered_on": "Date du suivi"}
        widgets = {
            "outcome": forms.RadioSelect,
            "answered_on": DateInput,
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"headcount": "0 s'il n'y en a aucun ; rien si la structure est arrêtée."}

    def __init__(self, *args, years: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        layout = []
        if not self.instance.pk:
            self.fields["years_after"] = forms.TypedChoiceField(
                label="Suivi",
                coerce=int,
                choices=[(y, _years_label(y)) for y in years or []],
                error_messages={"invalid_choice": "Ce suivi n'est pas à faire maintenant."},
            )
            self.fields["answered_on"].initial = timezone.localdate()
            layout.append("years_after")
        self.fields["outcome"].choices = self.fields["outcome"].choices[1:]  # no empty choice
        self.fields["fte"].widget.attrs["inputmode"] = "decimal"
        layout += [
            "outcome",
            Row(Column("headcount"), Column("fte"), Column("answered_on")),
            "note",
            *HIDDEN,
        ]
        self.helper = form_helper("Enregistrer le suivi", *layout)
