"""The staff desk lists the requests from the public pages and the attendance left to mark."""

import datetime as dt

import pytest
from django.utils import timezone

from pes21.desk import desk_sections
from tests import factories
from tests.public.conftest import filled

pytestmark = pytest.mark.django_db


def test_the_desk_lists_new_requests_and_attendance_to_mark(public_client, person, staff):
    public_client.post(
        "/public/deposer-mon-projet/",
        filled(
            "project-request",
            **person,
            kind="creation",
            idea="Une recyclerie",
            postal_code="21000",
            commune="Dijon",
            stage="idee",
        ),
    )
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    held = factories.OpeningFactory(
        action__date=yesterday, closes_on=yesterday, action__title="Club : coopérer"
    )
    factories.RegistrationFactory(opening=held)

    sections = {s.key: s for s in desk_sections(staff, today=timezone.localdate())}

    (request,) = sections["demandes-en-ligne"].lines
    assert request.title == "Amina Lefèvre" and "Dijon" in request.detail
    (action,) = sections["presences-a-noter"].lines
    assert action.title == "Club : coopérer" and action.url.endswith("#inscriptions")


def test_a_volunteer_desk_has_no_such_sections(volunteer):
    keys = {s.key for s in desk_sections(volunteer, today=timezone.localdate())}
    assert not keys & {"demandes-en-ligne", "presences-a-noter"}
