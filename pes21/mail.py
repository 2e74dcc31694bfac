"""E-mails leave the request: each message is a task that a worker sends.

A request (or a command) builds its messages as usual and hands them to `send_later`; the
task row is written in the same transaction as the change that caused the mail (django-tasks'
database backend), so a rolled-back change sends nothing and a committed one is sent even if
the web process dies right after answering. The answer no longer waits for the mail server
either, which also keeps the timing of a page from telling whether an address has an account.
"""

import base64
import logging

from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

logger = logging.getLogger(__name__)


def _attachment(name: str, content: str | bytes, mimetype: str | None) -> dict:
    if isinstance(content, bytes):
        return {
            "name": name,
            "base64": base64.b64encode(content).decode("ascii"),
            "mimetype": mimetype,
        }
    return {"name": name, "text": content, "mimetype": mimetype}


def payload_of(message: mail.EmailMessage) -> dict:
    """A message as JSON the task queue can store (its attachments included)."""
    payload = {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [],
        "attachments": [],
    }
    for alternative in getattr(message, "alternatives", []):
        content, mimetype = alternative[0], alternative[1]
        payload["alternatives"].append({"content": str(content), "mimetype": mimetype})
    for attachment in message.attachments:
        if isinstance(attachment, tuple) or hasattr(attachment, "filename"):
            name, content, mimetype = attachment[0], attachment[1], attachment[2]
            payload["attachments"].append(_attachment(name, content, mimetype))
        else:  # a MIMEBase part: rare, kept whole as bytes
            payload["attachments"].append(
                _attachment(
                    attachment.get_filename() or "piece-jointe", attachment.as_bytes(), None
                )
            )
    return payload


def message_of(payload: dict) -> mail.EmailMultiAlternatives:
    message = mail.EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload["cc"],
        bcc=payload["bcc"],
        reply_to=payload["reply_to"],
        headers=payload["headers"],
    )
    for alternative in payload["alternatives"]:
        message.attach_alternative(alternative["content"], alternative["mimetype"])
    for attachment in payload["attachments"]:
        if "base64" in attachment:
            content = base64.b64decode(attachment["base64"])
        else:
            content = attachment["text"]
        message.attach(attachment["name"], content, attachment["mimetype"])
    return message


@task()
def deliver_email(payload: dict) -> None:
    """Send one message. A failure fails the task (the queue keeps its error for the admin)."""
    message_of(payload).send()


def send_later(*messages: mail.EmailMessage) -> None:
    """Queue each message for the worker, in the caller's transaction."""
    for message in messages:
        deliver_email.enqueue(payload_of(message))


def templated(*, subject: str, template: str, context: dict, to: str) -> mail.EmailMessage:
    """A plain-text message to one address, its body written by `template`."""
    return mail.EmailMessage(subject=subject, body=render_to_string(template, context), to=[to])


def site_link(site_url: str, name: str, *args) -> str:
    """The absolute address of a page for an e-mail (SITE_URL: a task has no request)."""
    return site_url + reverse(name, args=args)
