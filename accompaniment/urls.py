from django.urls import path

from . import views

app_name = "accompaniment"
urlpatterns = [
    path("projets/", views.project_list, name="project_list"),
    path("projets/export.csv", views.project_export, name="project_export"),
    path("projets/nouveau/", views.project_create, name="project_create"),
    path("projets/<int:pk>/", views.project_detail, name="project_detail"),
    path("projets/<int:pk>/modifier/", views.project_edit, name="project_edit"),
    path("projets/<int:pk>/rendez-vous/", views.meeting_add, name="meeting_add"),
    path("projets/<int:pk>/demarrer/", views.project_start, name="project_start"),
    path("projets/<int:pk>/cloture/", views.project_close, name="project_close"),
    path("rendez-vous/<int:pk>/modifier/", views.meeting_edit, name="meeting_edit"),
    path("porteurs/", views.holder_list, name="holder_list"),
    path("porteurs/export.csv", views.holder_export, name="holder_export"),
    path("porteurs/nouveau/", views.holder_create, name="holder_create"),
    path("porteurs/<int:pk>/", views.holder_detail, name="holder_detail"),
    path("porteurs/<int:pk>/modifier/", views.holder_edit, name="holder_edit"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/export.csv", views.action_export, name="action_export"),
    path("actions/nouvelle/", views.action_create, name="action_create"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/modifier/", views.action_edit, name="action_edit"),
]
