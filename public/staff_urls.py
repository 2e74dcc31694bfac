"""The staff's pages about the public doors (login and the staff role required)."""

from django.urls import path

from . import views

app_name = "public_staff"
urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("demandes/<int:pk>/", views.request_detail, name="request_detail"),
    path("demandes/<int:pk>/traitee/", views.request_handled, name="request_handled"),
    path("demandes/<int:pk>/porteur/", views.request_use_holder, name="request_use_holder"),
    path("demandes/<int:pk>/effacement/", views.request_erase, name="request_erase"),
    path("actions/<int:pk>/inscriptions/", views.opening_edit, name="opening_edit"),
    path("actions/<int:pk>/presences/", views.attendance, name="attendance"),
    path(
        "inscriptions/<int:pk>/annulation/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "projets/<int:pk>/questionnaire/",
        views.questionnaire_invite,
        name="questionnaire_invite",
    ),
]
