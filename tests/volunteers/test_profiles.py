"""Staff create volunteers and invite them to choose their password."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from pes21.models import User
from pes21.roles import VOLUNTEER
from tests import factories
from volunteers.models import Volunteer

from .conftest import login

FORM = {
    "last_name": "Martin",
    "first_name": "Jeanne",
    "email": "jeanne.martin@example.org",
    "phone": "",
    "availability": "Le mardi",
    "joined_on": "2025-09-01",
    "missions": ["co_accompagnement", "vie_associative"],
}


def test_staff_create_a_volunteer_who_is_invited(staff, legal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(staff).post(
            reverse("volunteers:volunteer_create"), FORM | {"skills": [legal.pk], "invite": "on"}
        )
    volunteer = Volunteer.objects.get()
    assert response.url == volunteer.get_absolute_url()
    assert volunteer.missions == ["co_accompagnement", "vie_associative"]
    assert list(volunteer.skills.all()) == [legal]
    account = volunteer.user
    assert account.groups.filter(name=VOLUNTEER).exists()
    assert not account.has_usable_password()
    assert [m.to for m in mail.outbox] == [["jeanne.martin@example.org"]]
    assert account.username in mail.outbox[0].body


def test_the_invitation_link_lets_the_volunteer_choose_a_password(
    staff, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(staff).post(reverse("volunteers:volunteer_create"), FORM | {"invite": "on"})
    link = re.search(r"https?://\S+/compte/reinitialisation/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    new_password = "Un-mot-de-passe-solide-42"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    account = User.objects.get(email="jeanne.martin@example.org")
    assert account.check_password(new_password)
    # The link works once.
    assert client.get(path, follow=True).context["validlink"] is False


def test_an_invitation_needs_an_email_and_saves_nothing_without_it(staff):
    response = login(staff).post(
        reverse("volunteers:volunteer_create"), FORM | {"email": "", "invite": "on"}
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not Volunteer.objects.exists() and not User.objects.filter(last_name="Martin").exists()


def test_a_departure_before_arrival_is_refused_on_its_field(staff):
    response = login(staff).post(
        reverse("volunteers:volunteer_create"), FORM | {"left_on": "2025-01-01"}
    )
    assert (
        "left_on" in response.context["form"].errors or response.context["form"].non_field_errors()
    )
    assert not Volunteer.objects.exists()


def test_resending_the_invitation_keeps_one_account(staff, django_capture_on_commit_callbacks):
    volunteer = factories.VolunteerFactory(email="paul@example.org")
    c = login(staff)
    url = reverse("volunteers:volunteer_invite", args=[volunteer.pk])
    with django_capture_on_commit_callbacks(execute=True):
        c.post(url)
        c.post(url)
    volunteer.refresh_from_db()
    assert User.objects.filter(email="paul@example.org").count() == 1
    assert volunteer.user is not None and len(mail.outbox) == 2


def test_a_volunteer_without_email_cannot_be_invited(staff):
    volunteer = factories.VolunteerFactory(email="")
    response = login(staff).post(
        reverse("volunteers:volunteer_invite", args=[volunteer.pk]), follow=True
    )
    assert any("courriel" in str(m) for m in response.context["messages"])
    volunteer.refresh_from_db()
    assert volunteer.user is None and mail.outbox == []


def test_a_staff_account_is_never_turned_into_a_volunteer(staff):
    volunteer = factories.VolunteerFactory(email=staff.email, user=staff)
    login(staff).post(reverse("volunteers:volunteer_invite", args=[volunteer.pk]))
    assert not staff.groups.filter(name=VOLUNTEER).exists()
    assert mail.outbox == []


def test_staff_edit_a_profile(staff, profile, digital):
    c = login(staff)
    form = c.get(reverse("volunteers:volunteer_edit", args=[profile.pk])).context["form"]
    data = FORM | {"version": form["version"].value(), "skills": [digital.pk]}
    response = c.post(reverse("volunteers:volunteer_edit", args=[profile.pk]), data)
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.last_name == "Martin" and list(profile.skills.all()) == [digital]


def test_a_stale_edit_does_not_overwrite_a_newer_one(staff, profile):
    c = login(staff)
    url = reverse("volunteers:volunteer_edit", args=[profile.pk])
    version = c.get(url).context["form"]["version"].value()
    assert c.post(url, FORM | {"version": version, "first_name": "Première"}).status_code == 302
    response = c.post(url, FORM | {"version": version, "first_name": "Seconde"})
    assert response.status_code == 200
    assert "a modifié cette fiche pendant que vous la modifiiez" in response.content.decode()
    profile.refresh_from_db()
    assert profile.first_name == "Première"


@pytest.mark.parametrize("role_user", ["staff", "director"])
def test_list_and_detail_show_the_profile(request, role_user, profile, legal):
    c = login(request.getfixturevalue(role_user))
    html = c.get(reverse("volunteers:volunteer_list")).content.decode()
    assert str(profile) in html and "juridique" in html
    html = c.get(profile.get_absolute_url()).content.decode()
    assert profile.email in html and "Co-accompagnement" in html
