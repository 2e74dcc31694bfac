from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """What reaches people about several domains at once: the weekly digests, the agenda and
    its calendar feed. Their bookkeeping rows (DigestSent, CalendarFeed) keep their tables and
    app label in followups, where they were created: older backups restore as they are."""

    name = "notifications"
    verbose_name = "Rappels et agenda"

    def ready(self) -> None:
        from . import desk  # noqa: F401  (registers its section of the staff desk)
