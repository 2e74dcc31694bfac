"""Two volunteers take the same case at the same moment: exactly one gets it (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from tests import factories
from volunteers import services
from volunteers.models import Case, CaseStatus

THREADS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_exactly_one_of_several_simultaneous_volunteers_gets_the_case():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks under real concurrency")
    project = factories.ProjectFactory()
    case = Case.objects.create(project=project, description="Relire les statuts.")
    volunteers = [
        factories.VolunteerFactory(user=factories.volunteer_user(username=f"b{i}"))
        for i in range(THREADS)
    ]
    barrier = threading.Barrier(THREADS)
    results: dict[int, str] = {}

    def take(volunteer):
        try:
            fresh = Case.objects.get(pk=case.pk)  # each thread read the case while it was open
            barrier.wait()
            services.case_take(case=fresh, volunteer=volunteer, site_url="http://test")
            results[volunteer.pk] = "won"
        except services.CaseUnavailable as error:
            results[volunteer.pk] = error.messages[0]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(v,)) for v in volunteers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    winners = [pk for pk, outcome in results.items() if outcome == "won"]
    assert len(results) == THREADS
    assert len(winners) == 1
    losers = [outcome for outcome in results.values() if outcome != "won"]
    assert all("vient d'être pris par un·e autre bénévole" in text for text in losers)
    case.refresh_from_db()
    assert case.status == CaseStatus.TAKEN and case.volunteer_id == winners[0]
