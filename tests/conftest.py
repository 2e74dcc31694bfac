import json
from pathlib import Path

import pytest
from django.test import Client

from pes21.roles import ROLES, sync_role_permissions
from tests import factories

# One Chromium for the whole session, shared by every app's browser journeys.
pytest_plugins = ["tests.browser_fixtures"]


@pytest.fixture
def staff(db):
    return factories.staff_user(username="equipe1")


@pytest.fixture
def director(db):
    return factories.director_user(username="directrice")


@pytest.fixture
def volunteer(db):
    return factories.volunteer_user(username="benevole1")


@pytest.fixture
def other_volunteer(db):
    return factories.volunteer_user(username="benevole2")


@pytest.fixture
def staff_client(staff):
    # A client of its own: a test that uses two roles must not log both into one session.
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def director_client(director):
    # A client of its own: a test that uses two roles must not log both into one session.
    client = Client()
    client.force_login(director)
    return client


@pytest.fixture
def volunteer_client(volunteer):
    # A client of its own: a test that uses two roles must not log both into one session.
    client = Client()
    client.force_login(volunteer)
    return client


@pytest.fixture(autouse=True)
def _role_groups(request):
    """The role groups come from a data migration, which a transactional test's flush erases;
    every database test starts with them, whatever ran before on the same worker."""
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not uses_db:
        return
    request.getfixturevalue("_django_db_helper")
    from django.contrib.auth.models import Group

    if Group.objects.filter(name__in=ROLES).count() < len(ROLES):
        sync_role_permissions()


@pytest.fixture(autouse=True)
def _tasks_must_not_fail(request):
    """The immediate backend records a task's exception as FAILED instead of raising it: a test
    would pass with its e-mail or import never done. Any task failing fails the test, unless
    the test says it expects that (@pytest.mark.task_failure_expected)."""
    from django_tasks.signals import task_finished

    failures = []

    def record(sender, task_result, **kwargs):
        if task_result.errors and task_result.status == "FAILED":
            failures.append(task_result.errors[-1].traceback)

    task_finished.connect(record, weak=False, dispatch_uid="tests-task-failures")
    yield failures
    task_finished.disconnect(dispatch_uid="tests-task-failures")
    if failures and request.node.get_closest_marker("task_failure_expected") is None:
        pytest.fail("Une tâche a échoué :\n" + "\n".join(failures), pytrace=False)


@pytest.fixture
def report_2022() -> dict:
    """Every figure of the 2022 sample's report (exchange/sample/2022 imported), as an edition
    published before the figure registry froze them: tests/reporting/snapshots/report-2022.json,
    a fresh copy for each test."""
    snapshot = Path(__file__).parent / "reporting" / "snapshots" / "report-2022.json"
    return json.loads(snapshot.read_text(encoding="utf-8"))["figures"]
