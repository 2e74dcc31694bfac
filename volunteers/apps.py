from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = "Bénévoles"

    def ready(self) -> None:
        from . import search  # noqa: F401  (registers the search provider)
