"""The calendar feed's address: created, renewed, detailed or removed by its owner."""

from django.db import transaction
from django.utils import timezone

from followups.models import CalendarFeed, new_calendar_token


@transaction.atomic
def calendar_feed_renew(*, user) -> CalendarFeed:
    """Give the user a new private address; the old one (if any) stops working at once."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    if not created:
        feed.token = new_calendar_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed


def calendar_feed_set_detailed(*, user, detailed: bool) -> None:
    """Whether the user's feed shows names and next steps (see notifications.calendar)."""
    CalendarFeed.objects.filter(user=user).update(detailed=detailed)


def calendar_feed_remove(*, user) -> None:
    CalendarFeed.objects.filter(user=user).delete()
