from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Rapport d’activité"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the figure registry's start-up check)
