import uuid

from accompaniment.models import Holder
from pes21.concurrency import create_once


def test_a_token_creates_one_record_however_often_it_is_sent(staff):
    token = uuid.uuid4()

    def create():
        return Holder.objects.create(last_name="Vauthier", first_name="Lise")

    first, url = create_once(token=token, user=staff, create=create)
    again, same_url = create_once(token=token, user=staff, create=create)
    assert first is not None and again is None
    assert same_url == url == first.get_absolute_url()
    assert Holder.objects.count() == 1
    other, _ = create_once(token=uuid.uuid4(), user=staff, create=create)
    assert other is not None and Holder.objects.count() == 2
