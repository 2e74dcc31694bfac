"""Spam attempts on the public forms create nothing: a filled honeypot, a form sent back in under
two seconds, a forged stamp, thirty posts a minute from one address, an oversized body, a flood
of e-mails to one person."""

import datetime as dt
from html import unescape
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Holder, Project
from public.antispam import make_stamp
from public.models import ProjectRequest, QuestionnaireAnswer, Registration
from tests import factories
from tests.public.conftest import filled

pytestmark = pytest.mark.django_db


@pytest.fixture
def action_url():
    return reverse("public:action", args=[factories.OpeningFactory(capacity=100).pk])


def _nothing_created() -> bool:
    return not (
        Registration.objects.exists()
        or ProjectRequest.objects.exists()
        or Holder.objects.exists()
        or Project.objects.exists()
        or QuestionnaireAnswer.objects.exists()
    )


def test_a_filled_honeypot_creates_nothing(public_client, action_url, person, outbox):
    response = public_client.post(
        action_url, {**filled("registration", **person), "site_web": "https://promo.example"}
    )

    assert "Laissez ce champ vide" in response.content.decode()
    assert _nothing_created() and not outbox


def test_a_form_sent_in_under_two_seconds_creates_nothing(public_client, action_url, person):
    response = public_client.post(
        action_url, {**person, "stamp": make_stamp("registration"), "site_web": ""}
    )

    assert "très vite" in response.content.decode()
    assert _nothing_created()


@pytest.mark.parametrize(
    "stamp",
    ["", "pas-une-signature", make_stamp("project-request", issued_at=0)],
    ids=["missing", "forged", "another-form"],
)
def test_a_form_without_its_own_signed_stamp_creates_nothing(
    public_client, action_url, person, stamp
):
    response = public_client.post(action_url, {**person, "stamp": stamp, "site_web": ""})

    assert response.status_code == 200
    assert _nothing_created()


def test_a_stamp_older_than_a_day_is_refused_and_renewed(public_client, action_url, person):
    old = make_stamp("registration", issued_at=dt.datetime(2026, 1, 1).timestamp())

    response = public_client.post(action_url, {**person, "stamp": old, "site_web": ""})

    page = response.content.decode()
    assert "ouvert depuis plus d'un jour" in unescape(page)
    assert _nothing_created()
    assert old not in page  # shown again with a fresh stamp, so sending it again can pass


def test_thirty_posts_a_minute_from_one_address_are_cut_at_the_limit(action_url, person, settings):
    settings.PUBLIC_POSTS_PER_MINUTE = 10
    client = Client(REMOTE_ADDR="203.0.113.7")
    # One fixed window for the whole burst, whatever second the test starts at.
    instant = timezone.now().replace(second=5)
    with mock.patch("django.utils.timezone.now", return_value=instant):
        answers = [
            client.post(
                action_url, filled("registration", **{**person, "email": f"robot{n}@example.org"})
            ).status_code
            for n in range(30)
        ]
        other_address = Client(REMOTE_ADDR="198.51.100.2").post(
            action_url, filled("registration", **{**person, "email": "voisine@example.org"})
        )

    assert answers == [200] * 10 + [429] * 20
    # The refused twenty created nothing; another address is not held back.
    assert Registration.objects.count() == 11
    assert other_address.status_code == 200


def test_the_limit_covers_every_public_form(person, settings):
    settings.PUBLIC_POSTS_PER_MINUTE = 1
    client = Client(REMOTE_ADDR="203.0.113.8")
    instant = timezone.now().replace(second=5)
    with mock.patch("django.utils.timezone.now", return_value=instant):
        client.post("/public/deposer-mon-projet/", {})
        response = client.post("/public/deposer-mon-projet/", filled("project-request", **person))

    assert response.status_code == 429
    assert "Trop d'envois depuis votre connexion" in response.content.decode()
    assert _nothing_created()


def test_an_oversized_post_is_refused_before_it_is_read(public_client, action_url, person):
    response = public_client.post(
        action_url, {**filled("registration", **person), "last_name": "x" * 40_000}
    )

    assert response.status_code == 413
    assert _nothing_created()


def test_one_person_receives_at_most_a_few_e_mails_an_hour(person, outbox, settings):
    settings.PUBLIC_MAILS_PER_ADDRESS = 2
    openings = [factories.OpeningFactory() for _ in range(3)]
    client = Client()
    pages = [
        client.post(reverse("public:action", args=[o.pk]), filled("registration", **person))
        for o in openings
    ]

    assert Registration.objects.count() == 2 and len(outbox) == 2
    assert "Trop de courriels ont été envoyés à cette adresse" in pages[-1].content.decode()


def test_over_long_fields_are_refused_with_a_message(public_client, action_url, person):
    response = public_client.post(
        action_url, filled("registration", **{**person, "first_name": "x" * 101})
    )

    assert "au plus 100 caractères" in response.content.decode()
    assert _nothing_created()
