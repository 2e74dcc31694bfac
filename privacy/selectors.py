import datetime as dt
from collections.abc import Iterable

from django.db.models import DateField, Exists, F, Max, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, TruncDate

from accompaniment.models import CollectiveAction, Holder, Meeting, Project
from volunteers.models import Volunteer

from .models import Erasure, PersonKind

# SQLite's GREATEST returns NULL when one argument is NULL: missing dates count as "long ago".
_LONG_AGO = Value(dt.date(1900, 1, 1), output_field=DateField())


def retention_limit(*, today: dt.date, months: int) -> dt.date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    day = min(today.day, 28)
    return dt.date(year, month + 1, day)


# Where a holder was last in touch with the association, besides their own record's dates:
# (model, the path from it to its holders, the date it counts).
_CONTACTS = (
    (Meeting, "project__holders", Max("date")),
    (Project, "holders", Max(Greatest(Coalesce("ended_on", _LONG_AGO), F("received_on")))),
    (CollectiveAction, "attendees", Max("date")),
)


def holder_own_contact() -> Greatest:
    """The dates of a holder's own record that count as a contact: consent, creation."""
    return Greatest(Coalesce("consent_on", _LONG_AGO), TruncDate("created_at"))


def contacts_by_holder(holder_ids: Iterable[int] | None = None) -> list[QuerySet]:
    """For each kind of contact, one row per holder: `holder`, the latest date `last`.

    Grouped, not correlated: storing every holder's last contact after an import is a few
    hash aggregates, whatever statistics the planner has of tables just written."""
    grouped = []
    for model, path, last in _CONTACTS:
        rows = model.objects.order_by().filter(**{f"{path}__isnull": False})
        if holder_ids is not None:
            rows = rows.filter(**{f"{path}__in": holder_ids})
        grouped.append(rows.values(holder=F(path)).annotate(last=last))
    return grouped


def holders_with_last_contact() -> QuerySet:
    """Holders annotated with the date of their last contact with the association: the rule,
    which privacy.services.holders_last_contact_refresh stores in Holder.last_contact_on."""
    lasts = [
        Coalesce(Subquery(rows.filter(holder=OuterRef("pk")).values("last")[:1]), _LONG_AGO)
        for rows in contacts_by_holder()
    ]
    return Holder.objects.annotate(last_contact=Greatest(*lasts, holder_own_contact()))


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
