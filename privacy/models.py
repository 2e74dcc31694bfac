from django.conf import settings
from django.db import models


class PersonKind(models.TextChoices):
    HOLDER = "porteur", "Porteur de projet"
    VOLUNTEER = "benevole", "Bénévole"


class Erasure(models.Model):
    """The register of anonymisations: proof that a request was answered, with no personal data."""

    kind = models.CharField("personne", max_length=20, choices=PersonKind.choices)
    object_id = models.PositiveBigIntegerField("identifiant interne")
    erased_at = models.DateTimeField("anonymisé le", auto_now_add=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, verbose_name="par"
    )
    reason = models.CharField("motif", max_length=200)
    # What the erasure changed, in counts (no personal data): the proof it went everywhere.
    actions = models.TextField("ce qui a été fait", blank=True)

    class Meta:
        verbose_name = "anonymisation"
        verbose_name_plural = "anonymisations"
        ordering = ["-erased_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_erasure_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} n° {self.object_id} ({self.erased_at:%d/%m/%Y})"

    @property
    def action_lines(self) -> list[str]:
        return [line for line in self.actions.splitlines() if line.strip()]
