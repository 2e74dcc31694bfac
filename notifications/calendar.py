"""A staff member's agenda: planned next steps, meetings and follow-ups due, as the « Agenda »
page and as a private iCalendar feed (read by Outlook, Thunderbird, a phone).

Both read `agenda_entries`, so the page and the feed always agree. The page shows what the
staff member already sees elsewhere (a project's or structure's name, the next step). A calendar
is copied to phones and other services, and those names and next steps are typed text that can
name a holder or give a phone number: the feed's events carry only what kind of entry it is,
which record (by number) and a link, unless the staff member chose detailed titles in
« Mon compte ». Never a meeting's notes, in either.
"""

import datetime as dt
from dataclasses import dataclass

import icalendar
from django.conf import settings
from django.utils import timezone

from accompaniment.models import Meeting, Project
from followups import selectors
from followups.models import CalendarFeed

# Entries of one kind in the feed, at most; the windows below keep them far fewer.
ENTRY_LIMIT = 500
FEED_PAST_DAYS = 60
FEED_FUTURE_DAYS = 365
AGENDA_DAYS = 14


@dataclass
class Entry:
    day: dt.date
    kind: str
    title: str
    # What the feed says without details: the record's kind and number, no typed text.
    record: str
    path: str
    uid: str


def agenda_entries(
    user, *, start: dt.date, end: dt.date, today: dt.date, follow_ups: bool = True
) -> list[Entry]:
    """The user's entries from `start` to `end` (inclusive), by day; without the follow-ups due
    when `follow_ups` is False (the desk lists them in a section of their own)."""
    entries = []
    next_steps = (
        Project.objects.open()
        .filter(referent=user, next_step_on__range=(start, end))
        .order_by("next_step_on", "pk")[:ENTRY_LIMIT]
    )
    for project in next_steps:
        entries.append(
            Entry(
                project.next_step_on,
                "Prochaine étape",
                f"{project.name} : {project.next_step or 'étape à préciser'}",
                f"projet n° {project.pk}",
                project.get_absolute_url(),
                f"etape-{project.pk}-{project.next_step_on:%Y%m%d}",
            )
        )
    meetings = (
        Meeting.objects.filter(staff=user, date__range=(start, end))
        .select_related("project")
        .order_by("date", "pk")[:ENTRY_LIMIT]
    )
    for meeting in meetings:
        entries.append(
            Entry(
                meeting.date,
                "Rendez-vous",
                f"Rendez-vous {meeting.get_kind_display().lower()} : {meeting.project.name}",
                f"projet n° {meeting.project_id}",
                meeting.get_absolute_url(),
                f"rendez-vous-{meeting.pk}",
            )
        )
    due = (
        [
            *selectors.project_follow_ups_due(today=today, staff=user)[:ENTRY_LIMIT],
            *selectors.engineering_follow_ups_due(today=today, staff=user)[:ENTRY_LIMIT],
        ]
        if follow_ups
        else []
    )
    for row in due:
        day = selectors.due_on(row)
        if not start <= day <= end:
            continue
        target = row if isinstance(row, Project) else row.structure
        years = f"{row.years_after} an{'s' if row.years_after > 1 else ''}"
        entries.append(
            Entry(
                day,
                "Suivi de structure",
                f"Suivi à {years} : {target}",
                f"{target._meta.verbose_name} n° {target.pk}",
                f"{target.get_absolute_url()}#suivis",
                f"suivi-{target._meta.model_name}-{target.pk}-{row.years_after}",
            )
        )
    return sorted(entries, key=lambda entry: (entry.day, entry.kind, entry.title))


def feed_ics(feed: CalendarFeed, *, now: dt.datetime | None = None) -> bytes:
    """The iCalendar text of a feed: all-day events, each linking to its page."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//PES 21//Agenda//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "PES 21")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    entries = agenda_entries(
        feed.user,
        start=today - dt.timedelta(days=FEED_PAST_DAYS),
        end=today + dt.timedelta(days=FEED_FUTURE_DAYS),
        today=today,
    )
    host = settings.SITE_URL.split("://", 1)[-1]
    for entry in entries:
        event = icalendar.Event()
        event.add("uid", f"{entry.uid}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", entry.day)
        event.add("dtend", entry.day + dt.timedelta(days=1))
        event.add("summary", f"{entry.kind} – {entry.title if feed.detailed else entry.record}")
        event.add("categories", [entry.kind])
        event.add("url", settings.SITE_URL + entry.path)
        event.add("transp", "TRANSPARENT")  # a reminder, not time taken in the day
        calendar.add_component(event)
    return calendar.to_ical()
