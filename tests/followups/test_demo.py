import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from followups.models import FollowUp
from followups.selectors import creation_survival, dla_survival
from notifications.digests import digests_send
from reporting.selectors import Period


@pytest.mark.django_db
def test_the_demo_report_shows_survival_rates():
    call_command("seed_demo", stdout=io.StringIO())

    creation = creation_survival(Period(2025))
    after_two_years = dla_survival(Period(2025), 2)

    assert FollowUp.objects.filter(outcome="arretee").exists()
    assert creation["suivies"] > 0 and creation["taux_survie"] is not None
    assert after_two_years["suivies"] > 0 and after_two_years["taux_survie"] is not None


@pytest.mark.django_db
def test_send_reminders_on_a_fresh_demo_sends_digests_any_weekday_and_none_twice(mailoutbox):

    call_command("seed_demo", stdout=io.StringIO())
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    for day in (monday + dt.timedelta(days=n) for n in range(7)):
        now = timezone.make_aware(dt.datetime.combine(day, dt.time(7, 30)))
        with transaction.atomic():
            mailoutbox.clear()
            assert digests_send(today=day, now=now) >= 1, day
            assert mailoutbox and all(message.to for message in mailoutbox)
            assert digests_send(today=day, now=now) == 0, day
            transaction.set_rollback(True)  # the next day starts from a fresh demo again


@pytest.mark.django_db
def test_the_command_on_a_fresh_demo_sends_digests_then_none_the_same_day(mailoutbox):
    # The README's daily command (its task runs at once in the tests).
    call_command("seed_demo", stdout=io.StringIO())
    call_command("send_reminders", stdout=io.StringIO())
    sent = len(mailoutbox)
    call_command("send_reminders", stdout=io.StringIO())
    assert sent >= 1
    assert len(mailoutbox) == sent
