"""Who may be chosen as a referent or a staff member: one queryset method for every form."""

from django.contrib.auth.models import Group

from accompaniment.forms import MeetingForm
from dla.forms import StepForm
from generateur.forms import ProjectForm
from pes21.models import User
from pes21.roles import DIRECTOR
from tests import factories


def test_staff_members_are_the_active_team_and_direction_each_once(db):
    team = factories.staff_user(username="equipe", last_name="Roy")
    director = factories.director_user(username="direction", last_name="Andrieu")
    team.groups.add(Group.objects.get(name=DIRECTOR))  # in both groups: listed once
    factories.staff_user(username="partie", is_active=False)
    factories.volunteer_user(username="benevole")
    factories.UserFactory(username="sans-role")

    assert list(User.objects.staff_members()) == [director, team]
    for field in (
        MeetingForm().fields["staff"],
        StepForm().fields["staff"],
        ProjectForm().fields["staff"],
    ):
        assert list(field.queryset) == [director, team]
