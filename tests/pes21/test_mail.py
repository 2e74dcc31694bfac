"""E-mails leave the request through the task queue (pes21.mail)."""

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from pes21.mail import message_of, payload_of, send_later

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _message() -> mail.EmailMultiAlternatives:
    message = mail.EmailMultiAlternatives(
        subject="Votre inscription", body="Bonjour", to=["a@example.org"], reply_to=["b@x.org"]
    )
    message.attach_alternative("<p>Bonjour</p>", "text/html")
    message.attach("atelier.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    message.attach("logo.png", b"\x89PNG\r\n\x1a\n\x00\xff", "image/png")
    return message


def test_a_message_survives_the_queue_whole():
    again = message_of(payload_of(_message()))
    assert (again.subject, again.body, again.to, again.reply_to) == (
        "Votre inscription",
        "Bonjour",
        ["a@example.org"],
        ["b@x.org"],
    )
    assert again.alternatives[0][:2] == ("<p>Bonjour</p>", "text/html")
    names = [(a[0], a[1], a[2]) for a in again.attachments]
    assert names == [
        ("atelier.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"),
        ("logo.png", b"\x89PNG\r\n\x1a\n\x00\xff", "image/png"),
    ]


def test_send_later_delivers_through_the_task(db):
    send_later(_message())
    assert [m.subject for m in mail.outbox] == ["Votre inscription"]
    assert mail.outbox[0].attachments[1][1] == b"\x89PNG\r\n\x1a\n\x00\xff"


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_a_rolled_back_change_queues_no_mail():
    with pytest.raises(RuntimeError), transaction.atomic():
        send_later(_message())
        raise RuntimeError
    assert not DBTaskResult.objects.exists()
    send_later(_message())
    assert DBTaskResult.objects.count() == 1
    assert mail.outbox == []  # waiting for a worker
