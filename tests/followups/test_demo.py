import pytest
from django.core.management import call_command

from followups.models import FollowUp
from followups.selectors import creation_survival, dla_survival
from reporting.selectors import Period


@pytest.mark.django_db
def test_the_demo_report_shows_survival_rates():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    creation = creation_survival(Period(2025))
    after_two_years = dla_survival(Period(2025), 2)

    assert FollowUp.objects.filter(outcome="arretee").exists()
    assert creation["suivies"] > 0 and creation["taux_survie"] is not None
    assert after_two_years["suivies"] > 0 and after_two_years["taux_survie"] is not None
