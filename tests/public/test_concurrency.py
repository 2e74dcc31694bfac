"""Eight people take the last two places at the same instant: two get them, six wait
(PostgreSQL, whose row lock decides one after the other)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from public import services
from public.models import Registration, RegistrationStatus
from tests import factories

PEOPLE = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_registrations_never_exceed_the_places():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks under real concurrency")
    opening = factories.OpeningFactory(capacity=2)
    barrier = threading.Barrier(PEOPLE)
    outcomes = []

    def register(number: int) -> None:
        try:
            barrier.wait()
            services.registration_create(
                opening=opening,
                data={"first_name": "P", "last_name": f"N{number}", "email": f"p{number}@ex.org"},
                site_url="http://test",
            )
            outcomes.append("registered")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["full"] * 4 + ["registered"] * 4
    statuses = list(Registration.objects.values_list("status", flat=True))
    assert statuses.count(RegistrationStatus.CONFIRMED) == 2
    assert statuses.count(RegistrationStatus.WAITING) == 2
    # Past the waiting list (as long as the places), the four others were refused.
    assert len(statuses) == 4
