"""The holder's last contact is stored on every write that moves it (Holder.last_contact_on), so
the retention page reads an index; the stored date always equals the rule's."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accompaniment import services
from accompaniment.models import Holder
from accompaniment.selectors import holders_with_last_contact
from accompaniment.services import holders_last_contact_refresh
from exchange.services import activity_import
from privacy.views import LIST_LIMIT
from tests import factories
from tests.exchange.conftest import SAMPLE

LONG_AGO = timezone.make_aware(dt.datetime(2015, 1, 1))


def _stored(holder) -> dt.date | None:
    return Holder.objects.values_list("last_contact_on", flat=True).get(pk=holder.pk)


def _old_holder(**kwargs) -> Holder:
    holder = factories.HolderFactory(**kwargs)
    Holder.objects.filter(pk=holder.pk).update(created_at=LONG_AGO)
    holders_last_contact_refresh(holder_ids=[holder.pk])
    return holder


def _assert_stored_equals_the_rule() -> None:
    computed = dict(holders_with_last_contact().values_list("pk", "last_contact"))
    stored = dict(Holder.objects.values_list("pk", "last_contact_on"))
    assert stored == computed


def test_services_keep_the_last_contact_of_the_holders_they_touch(staff):
    first, second = _old_holder(), _old_holder()
    assert _stored(first) == dt.date(2015, 1, 1)
    project = services.project_create(
        data={"name": "Recyclerie", "received_on": dt.date(2019, 3, 1)},
        holders=[first, second],
        user=staff,
    )
    assert _stored(first) == _stored(second) == dt.date(2019, 3, 1)

    services.meeting_create(
        project=project, data={"date": dt.date(2020, 5, 4), "duration_minutes": 60}
    )
    assert _stored(first) == dt.date(2020, 5, 4)

    # The holder taken off the project falls back to what is left of their own history.
    services.project_update(
        project=project,
        data={"name": "Recyclerie", "received_on": dt.date(2019, 3, 1)},
        holders=[first],
        user=staff,
    )
    assert _stored(second) == dt.date(2015, 1, 1)
    assert _stored(first) == dt.date(2020, 5, 4)

    action = services.action_create(
        data={"date": dt.date(2021, 2, 2), "kind": "atelier", "title": "Atelier", "hours": 2},
        attendees=[second],
    )
    assert _stored(second) == dt.date(2021, 2, 2)
    services.action_update(
        action=action,
        data={"date": dt.date(2021, 2, 2), "title": "Atelier"},
        attendees=[],
    )
    assert _stored(second) == dt.date(2015, 1, 1)
    _assert_stored_equals_the_rule()


def test_an_import_stores_every_holder_s_last_contact(db):
    assert activity_import(source=SAMPLE).ok
    assert Holder.objects.exists()
    assert not Holder.objects.filter(last_contact_on__isnull=True).exists()
    _assert_stored_equals_the_rule()


def test_the_retention_page_does_not_grow_with_the_holders(director_client):
    _old_holder(last_name="Ancien")
    director_client.get(reverse("privacy:retention"))
    with CaptureQueriesContext(connection) as few:
        director_client.get(reverse("privacy:retention"))
    Holder.objects.bulk_create(
        Holder(last_name=f"Porteur {n}", first_name="Jean") for n in range(300)
    )
    Holder.objects.update(created_at=LONG_AGO)
    holders_last_contact_refresh()
    with CaptureQueriesContext(connection) as many:
        page = director_client.get(reverse("privacy:retention"))
    # A full pass of the oldest contacts, the long-standing holder first.
    html = page.content.decode()
    assert html.count('type="checkbox" name="holders"') == LIST_LIMIT
    assert html.index("Ancien") < html.index("Porteur 0")
    assert len(many) == len(few)
