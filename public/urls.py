"""The public pages: under /public/, open to anyone, nothing else of the site is (a proxy or a
firewall can tell them apart by the path). The staff's pages about them: staff_urls.py."""

from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("confidentialite/", views.privacy_notice, name="privacy"),
    path("actions/<int:pk>/", views.action, name="action"),
    path("inscription/<str:token>/", views.registration, name="registration"),
    path(
        "inscription/<str:token>/agenda.ics",
        views.registration_calendar,
        name="registration_calendar",
    ),
    path("deposer-mon-projet/", views.project_request, name="project_request"),
    path("questionnaire/<str:token>/", views.questionnaire, name="questionnaire"),
]
