"""The admin reads the domain's records and writes none of them: every write goes through the
apps' services (docs/rules.md). Accounts and groups stay managed there."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.urls import reverse

from accompaniment.models import ProjectStatus
from pes21.models import User
from tests import factories

pytestmark = pytest.mark.django_db

EDITABLE = {User, Group}
# The project's apps; the libraries' own admins (login attempts, tasks) are theirs.
PROJECT_APPS = {
    "accompaniment",
    "dla",
    "followups",
    "generateur",
    "pes21",
    "reporting",
    "volunteers",
}


@pytest.fixture
def superuser():
    return factories.UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def admin_client(superuser):
    client = Client()
    client.force_login(superuser)
    return client


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_every_domain_model_is_read_only_in_the_admin_inlines_included(superuser):
    request = _request(superuser)
    domain = [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model not in EDITABLE and model._meta.app_label in PROJECT_APPS
    ]
    assert {model._meta.app_label for model, _ in domain} == PROJECT_APPS
    for model, model_admin in domain:
        assert model_admin.has_view_permission(request), model
        for can in ("add", "change", "delete"):
            assert not getattr(model_admin, f"has_{can}_permission")(request), (model, can)
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_add_permission(request, None), (model, inline)
            assert not inline.has_change_permission(request), (model, inline)


def test_accounts_and_groups_stay_editable(superuser, admin_client):
    request = _request(superuser)
    for model in EDITABLE:
        model_admin = admin.site._registry[model]
        assert model_admin.has_add_permission(request) and model_admin.has_change_permission(
            request
        )
    assert admin_client.get(reverse("admin:pes21_user_add")).status_code == 200
    response = admin_client.post(reverse("admin:auth_group_add"), {"name": "Comptabilité"})
    assert response.status_code == 302 and Group.objects.filter(name="Comptabilité").exists()


def test_a_project_is_shown_but_a_change_sent_to_the_admin_is_refused(admin_client):
    project = factories.ProjectFactory(name="Épicerie", next_step="Relancer")
    change = reverse("admin:accompaniment_project_change", args=[project.pk])

    assert admin_client.get(change).status_code == 200
    refused = admin_client.post(change, {"name": "Autre", "status": ProjectStatus.ABANDONED})

    assert refused.status_code == 403
    assert admin_client.get(reverse("admin:accompaniment_project_add")).status_code == 403
    delete = reverse("admin:accompaniment_project_delete", args=[project.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    project.refresh_from_db()
    assert (project.name, project.status, project.next_step) == (
        "Épicerie",
        ProjectStatus.RECEIVED,
        "Relancer",
    )


def test_a_past_version_is_shown_but_not_restored(admin_client):
    project = factories.ProjectFactory(name="Avant")
    first = project.history.earliest()
    project.name = "Après"
    project.save()
    url = reverse("admin:accompaniment_project_simple_history", args=[project.pk, first.history_id])

    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"name": "Avant"}).status_code == 403
    project.refresh_from_db()
    assert project.name == "Après"
