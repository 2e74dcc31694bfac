from django.apps import AppConfig
from django.db.models.signals import post_migrate


class Pes21Config(AppConfig):
    name = "pes21"
    verbose_name = "Comptes et rôles"

    def ready(self) -> None:
        from . import generation
        from .roles import sync_role_permissions

        generation.connect()

        post_migrate.connect(sync_role_permissions, dispatch_uid="pes21_sync_roles")
