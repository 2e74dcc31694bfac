from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = "Bénévoles"

    def ready(self) -> None:
        from . import desk, panels, receivers, search  # noqa: F401  (they register themselves)
