from django.apps import AppConfig


class AccompanimentConfig(AppConfig):
    name = "accompaniment"
    verbose_name = "Accompagnement"

    def ready(self) -> None:
        from pes21.attachments import allow_attachments

        from . import search  # noqa: F401  (registers the search provider)

        allow_attachments("accompaniment.project")
