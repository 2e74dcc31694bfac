from django.apps import AppConfig


class DlaConfig(AppConfig):
    name = "dla"
    verbose_name = "DLA"

    def ready(self) -> None:
        from pes21.attachments import allow_attachments

        from . import search  # noqa: F401  (registers the search provider)

        allow_attachments("dla.structure", "dla.collectiveengineering", "dla.step")
