import pytest
from django.core.management import call_command
from django.db import transaction

from accompaniment.models import Holder, Project
from devtools.demo import DEMO_ACCOUNTS
from dla.models import Step, Structure
from pes21.models import User
from pes21.roles import is_director, is_volunteer


@pytest.mark.django_db
def test_seed_demo_creates_every_app_and_one_account_per_role(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "pes21-demo" in out
    assert Holder.objects.count() > 100
    assert Project.objects.filter(status="cree").exists()
    assert Structure.objects.exists() and Step.objects.exists()
    assert is_director(User.objects.get(username="direction"))
    assert is_volunteer(User.objects.get(username="benevole"))
    assert len(DEMO_ACCOUNTS) == User.objects.count()


@pytest.mark.django_db
def test_seed_demo_is_deterministic_and_never_doubles():
    with transaction.atomic():
        call_command("seed_demo")
        first = list(Project.objects.order_by("ref").values_list("ref", "name", "received_on"))
        transaction.set_rollback(True)
    assert not Project.objects.exists()
    call_command("seed_demo")
    second = list(Project.objects.order_by("ref").values_list("ref", "name", "received_on"))
    assert first == second
    call_command("seed_demo")
    assert Project.objects.count() == len(first)


@pytest.mark.django_db
def test_seed_demo_scale_multiplies_the_volume():
    with transaction.atomic():
        call_command("seed_demo")
        small = Holder.objects.count(), Project.objects.count()
        transaction.set_rollback(True)
    call_command("seed_demo", scale=2)
    assert Holder.objects.count() >= 2 * small[0]
    assert Project.objects.count() >= 2 * small[1]
