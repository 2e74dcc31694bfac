import pytest
from django.contrib.auth.models import Group

from pes21.roles import DIRECTOR, STAFF, VOLUNTEER, is_director, is_staff_member, is_volunteer
from tests import factories


@pytest.mark.django_db
def test_role_groups_exist_with_their_permissions():
    staff = Group.objects.get(name=STAFF)
    director = Group.objects.get(name=DIRECTOR)
    volunteer = Group.objects.get(name=VOLUNTEER)
    assert staff.permissions.filter(codename="change_project").exists()
    assert (
        not staff.permissions.filter(content_type__app_label="reporting")
        .exclude(codename__startswith="view_")
        .exists()
    )
    assert director.permissions.filter(codename="change_structure").exists()
    assert not volunteer.permissions.exists()


@pytest.mark.django_db
def test_role_helpers():
    staff = factories.staff_user()
    director = factories.director_user()
    volunteer = factories.volunteer_user()
    assert is_staff_member(staff) and not is_director(staff) and not is_volunteer(staff)
    assert is_staff_member(director) and is_director(director)
    assert is_volunteer(volunteer) and not is_staff_member(volunteer)
