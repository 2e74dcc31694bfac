"""The demo tells the truth (issue 28): what the 2023 demo report says agrees with the records."""

import io

import pytest
from django.core.management import call_command

from devtools.demo import DEMO_ACCOUNTS
from pes21.models import User
from reporting.document import report_context

pytestmark = pytest.mark.django_db

YEAR = 2023


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=io.StringIO())
        yield report_context(YEAR)
        call_command("flush", interactive=False, stdout=io.StringIO())


def test_the_edito_is_signed_by_the_director_the_team_names(demo):
    director = User.objects.get(username="direction")
    assert demo["edition"].edito_signature.startswith(director.get_full_name())
    assert {"nom": director.get_full_name(), "fonction": "Directrice"} in demo["team"]


def test_each_focus_is_attached_to_what_it_tells(demo):
    focuses = [focus for section in demo["focuses"].values() for focus in section]
    boucle = next(f for f in focuses if "La Boucle" in f.title)
    assert boucle.territorial_project.created_structure_name == "La Boucle"
    newcomer = next(f for f in focuses if "nouvelle bénévole" in f.title)
    assert newcomer.volunteer.user.username == "benevole2"  # Anne Girard
    assert newcomer.volunteer.joined_on.year == YEAR
    dla = next(f for f in focuses if f.section == "dla" and f.structure)
    assert "de Association" not in dla.title and dla.structure.name in dla.title


def test_every_mission_has_time_and_the_mois_de_l_ess_is_in_november(demo):
    assert all(mission["measured"] for mission in demo["missions"])
    mois = next(group for group in demo["dijon_groups"] if group["label"] == "Mois de l'ESS")
    assert mois["count"] >= 2
    assert all(str(event["date"])[5:7] == "11" for event in mois["events"])


def test_every_demo_account_gets_a_weekly_digest(demo):
    usernames = [username for username, *_ in DEMO_ACCOUNTS]
    assert not User.objects.filter(username__in=usernames, digest_weekday__isnull=True).exists()
