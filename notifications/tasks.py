"""The weekly digests' task: `send_reminders` enqueues it, a worker sends the e-mails."""

import datetime as dt

from django_tasks import task

from .digests import digests_send


@task()
def send_digests(today: str) -> int:
    """The digests due on `today` (ISO date: the day the daily run was for); how many sent."""
    return digests_send(today=dt.date.fromisoformat(today))
