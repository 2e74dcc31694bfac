from django.apps import AppConfig


class GenerateurConfig(AppConfig):
    name = "generateur"
    verbose_name = "Générateur BFC"

    def ready(self) -> None:
        from . import search  # noqa: F401  (registers the search provider)
