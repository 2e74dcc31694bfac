"""Codes shared by several apps, with the French label a person reads."""

from django.db import models


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", "Association"
    SCOP = "scop", "SCOP"
    SCIC = "scic", "SCIC"
    CAE = "cae", "CAE"
    SAS_ESUS = "sas_esus", "SAS ESUS"
    SARL = "sarl", "SARL"
    EI = "ei", "Entreprise individuelle"
    AUTRE = "autre", "Autre"
