from django.apps import AppConfig


class AccompanimentConfig(AppConfig):
    name = "accompaniment"
    verbose_name = "Accompagnement"

    def ready(self) -> None:
        from pes21.attachments import allow_attachments

        from . import desk, search  # noqa: F401  (they register themselves)

        allow_attachments("accompaniment.project")
