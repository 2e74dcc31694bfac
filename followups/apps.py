from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = "Suivis des structures"

    def ready(self) -> None:
        from . import desk  # noqa: F401  (registers its sections of the staff desk)
