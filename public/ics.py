"""The calendar invitation (.ics) of a registration: what a person's agenda application adds."""

import icalendar
from django.conf import settings
from django.utils import timezone

from .models import Registration


def registration_ics(registration: Registration, *, cancel_url: str) -> bytes:
    opening = registration.opening
    action = opening.action
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//PES 21//Inscriptions//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    host = settings.SITE_URL.split("://", 1)[-1]
    # One uid per registration: a new invitation after a move up replaces the first one.
    event.add("uid", f"inscription-{registration.pk}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", opening.starts)
    event.add("dtend", opening.ends)
    event.add("summary", action.title)
    event.add("location", opening.place)
    event.add(
        "description",
        f"{opening.description}\n\nPôle d'Économie Solidaire 21.\n"
        f"Pour annuler votre inscription : {cancel_url}",
    )
    event.add("status", "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
