from django.apps import AppConfig


def _erase_public_data(sender, holder, **kwargs) -> dict[str, tuple[int, int]]:
    from .services import holder_public_data_erase

    return holder_public_data_erase(holder=holder)


def _export_public_data(sender, holder, **kwargs) -> list[str]:
    from .services import holder_public_data_lines

    return holder_public_data_lines(holder=holder)


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "Pages publiques"

    def ready(self) -> None:
        from privacy.signals import holder_anonymised, holder_exported

        # privacy/ owns the export and the erasure; this app says what its records keep.
        holder_anonymised.connect(_erase_public_data, weak=False, dispatch_uid="public-erase")
        holder_exported.connect(_export_public_data, weak=False, dispatch_uid="public-export")
