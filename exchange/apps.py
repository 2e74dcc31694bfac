from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = "Import et export des données d’activité"

    def ready(self) -> None:
        from pes21.housekeeping import register_purge

        from .jobs import jobs_purge
        from .uploads import uploads_purge

        register_purge("fichiers d'import en attente", uploads_purge)
        register_purge("imports anciens", jobs_purge)
