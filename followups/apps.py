from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = "Suivis, rappels et agenda"

    def ready(self) -> None:
        from . import desk  # noqa: F401  (registers its sections of the staff desk)
