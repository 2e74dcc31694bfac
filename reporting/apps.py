from django.apps import AppConfig

FIGURE_SOURCES = ("accompaniment", "dla", "generateur", "volunteers", "followups")


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Rapport d’activité"

    def ready(self) -> None:
        # They register themselves: the figure registry's start-up check, the desk's section.
        from pes21 import generation

        from . import checks, desk  # noqa: F401

        # The apps whose tables the figures read: a write to any of them moves the data
        # generation the cached figures are kept under (reporting.figure_cache).
        generation.watch(*FIGURE_SOURCES)
