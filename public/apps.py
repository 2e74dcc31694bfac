from django.apps import AppConfig


def _erase_public_data(sender, holder, **kwargs) -> dict[str, tuple[int, int]]:
    from .services import holder_public_data_erase

    return holder_public_data_erase(holder=holder)


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "Pages publiques"

    def ready(self) -> None:
        from privacy.signals import holder_anonymised

        # privacy/ owns the erasure; this app says what its own records keep of the person.
        holder_anonymised.connect(_erase_public_data, weak=False, dispatch_uid="public-erase")
