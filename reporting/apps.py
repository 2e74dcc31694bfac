from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Rapport d’activité"

    def ready(self) -> None:
        # They register themselves: the figure registry's start-up check, the desk's section.
        from . import checks, desk  # noqa: F401
