import re
import time

import pytest
from django.core import mail
from django.test import Client

from public.antispam import make_stamp

# Every public form carries a signed stamp of when it was shown: a person takes seconds.
SECONDS_TO_FILL = 15


def stamp(form_name: str) -> str:
    return make_stamp(form_name, issued_at=time.time() - SECONDS_TO_FILL)


def filled(form_name: str, **data) -> dict:
    """What a person sends: the form's stamp, its empty honeypot, and their answers."""
    return {"stamp": stamp(form_name), "site_web": "", **data}


def link_in(message, name: str) -> str:
    """The path of the public link named `name` (« inscription », « questionnaire ») in an
    e-mail."""
    found = re.search(rf"https?://[^/\s]+(/public/{name}/[\w-]+/)", message.body)
    assert found, message.body
    return found.group(1)


@pytest.fixture
def person():
    return {
        "first_name": "Amina",
        "last_name": "Lefèvre",
        "email": "Amina.Lefevre@example.org",
        "phone": "06 12 34 56 78",
        "consent": "on",
    }


@pytest.fixture
def public_client():
    """A visitor of the public pages (each test its own address counters: rolled back)."""
    return Client()


@pytest.fixture
def outbox():
    mail.outbox.clear()
    return mail.outbox
