from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = "Suivis des structures"

    def ready(self) -> None:
        from . import desk, panels  # noqa: F401  (they register themselves)
