import datetime as dt

from django.db.models import Exists, F, OuterRef, QuerySet

from accompaniment.models import Holder
from volunteers.models import Volunteer

from .models import Erasure, PersonKind


def retention_limit(*, today: dt.date, months: int) -> dt.date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    day = min(today.day, 28)
    return dt.date(year, month + 1, day)


def not_erased(queryset: QuerySet, kind: str) -> QuerySet:
    erased = Erasure.objects.filter(kind=kind, object_id=OuterRef("pk"))
    return queryset.filter(~Exists(erased))


def holders_past_retention(*, today: dt.date, months: int) -> QuerySet:
    limit = retention_limit(today=today, months=months)
    return (
        not_erased(Holder.objects.all(), PersonKind.HOLDER)
        .filter(last_contact_on__lt=limit)
        .annotate(last_contact=F("last_contact_on"))
        .order_by("last_contact_on", "pk")
    )


def volunteers_past_retention(*, today: dt.date, months: int) -> QuerySet:
    """Volunteers who left the association more than `months` ago."""
    limit = retention_limit(today=today, months=months)
    return (
        not_erased(Volunteer.objects.all(), PersonKind.VOLUNTEER)
        .filter(left_on__isnull=False, left_on__lt=limit)
        .annotate(last_contact=F("left_on"))
        .order_by("left_on", "pk")
    )


def recent_erasures(*, limit: int) -> QuerySet:
    return Erasure.objects.select_related("erased_by").order_by("-erased_at", "-pk")[:limit]


def is_erased(*, kind: str, object_id: int) -> bool:
    return Erasure.objects.filter(kind=kind, object_id=object_id).exists()
