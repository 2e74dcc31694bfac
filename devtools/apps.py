from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """The top floor: demo data, benchmarks and load-test accounts. Nothing imports it."""

    name = "devtools"
    verbose_name = "Outils de développement"
