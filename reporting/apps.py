from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Rapport d’activité"

    def ready(self) -> None:
        from . import desk  # noqa: F401  (registers its section of the staff desk)
