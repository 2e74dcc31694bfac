"""Which models may carry documents. Apps add theirs in AppConfig.ready()."""

ATTACHABLE: set[str] = set()


def allow_attachments(*labels: str) -> None:
    """Labels as "app_label.modelname" (lower case)."""
    ATTACHABLE.update(labels)
