from typing import Any

from django.db import models

from .models import Attachment, User


def attachment_create(*, target: models.Model, title: str, file, user: User) -> Attachment:
    from django.contrib.contenttypes.models import ContentType

    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        title=title,
        file=file,
        uploaded_by=user,
    )
    attachment.full_clean()
    attachment.save()
    return attachment


def attachment_delete(*, attachment: Attachment) -> None:
    attachment.file.delete(save=False)
    attachment.delete()


def set_fields(instance: models.Model, data: dict[str, Any]) -> None:
    """Copy a form's cleaned data onto an instance (before its full_clean and save)."""
    for name, value in data.items():
        setattr(instance, name, value)


def record_key(record: models.Model) -> tuple:
    """A record as a dictionary key in a rule judging several at once: its id once saved,
    the object itself while new (the import builds records before saving them)."""
    return ("saved", record.pk) if record.pk is not None else ("new", id(record))
