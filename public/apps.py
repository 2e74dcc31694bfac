from django.apps import AppConfig


def _export_public_data(sender, holder, **kwargs) -> list[str]:
    from .services import holder_public_data_lines

    return holder_public_data_lines(holder=holder)


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "Pages publiques"

    def ready(self) -> None:
        from privacy.signals import holder_exported

        from . import desk, panels  # noqa: F401  (they register themselves)

        # privacy/ owns the RGPD export and the erasure (its map of personal data names this
        # app's fields); this app says, for the export, what its records keep of a holder.
        holder_exported.connect(_export_public_data, weak=False, dispatch_uid="public-export")
