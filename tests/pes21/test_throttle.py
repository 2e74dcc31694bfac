"""Throttle counters shared by every process (pes21.throttle)."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from pes21 import throttle
from pes21.models import ThrottleHit

HOUR = 3600


def test_a_key_is_allowed_up_to_its_limit_in_a_window(db):
    now = timezone.now()
    spent = [throttle.spend("reset:a", limit=3, window_seconds=HOUR, now=now) for _ in range(5)]
    assert spent == [True, True, True, False, False]
    assert throttle.count("reset:a", window_seconds=HOUR, now=now) == 5
    assert throttle.count("reset:b", window_seconds=HOUR, now=now) == 0


def test_the_next_window_starts_again(db):
    now = timezone.now()
    for _ in range(3):
        throttle.spend("k", limit=2, window_seconds=HOUR, now=now)
    later = now + dt.timedelta(seconds=HOUR)
    assert throttle.spend("k", limit=2, window_seconds=HOUR, now=later)


def test_keys_are_stored_hashed(db):
    throttle.hit("reset:email:claire@example.org", window_seconds=HOUR)
    stored = ThrottleHit.objects.get()
    assert "claire" not in stored.key and len(stored.key) == 64


def test_purge_forgets_old_windows_only(db):
    throttle.hit("old", window_seconds=HOUR, now=timezone.now() - dt.timedelta(days=3))
    throttle.hit("new", window_seconds=HOUR)
    assert throttle.purge() == 1
    assert throttle.count("new", window_seconds=HOUR) == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_hits_are_all_counted():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent connections")
    now = timezone.now()
    barrier = threading.Barrier(8)

    def one():
        barrier.wait()
        throttle.hit("race", window_seconds=HOUR, now=now)
        connection.close()

    threads = [threading.Thread(target=one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert throttle.count("race", window_seconds=HOUR, now=now) == 8
