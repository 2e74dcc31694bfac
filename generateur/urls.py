from django.urls import path

from . import views

app_name = "generateur"
urlpatterns = [
    path("territoires/", views.territory_list, name="territory_list"),
    path("territoires/nouveau/", views.territory_create, name="territory_create"),
    path("territoires/lieux/", views.place_search, name="place_search"),
    path("territoires/<int:pk>/", views.territory_detail, name="territory_detail"),
    path("territoires/<int:pk>/modifier/", views.territory_edit, name="territory_edit"),
    path("projets/", views.project_list, name="project_list"),
    path("projets/export.csv", views.project_export, name="project_export"),
    path("projets/nouveau/", views.project_create, name="project_create"),
    path("projets/<int:pk>/", views.project_detail, name="project_detail"),
    path("projets/<int:pk>/modifier/", views.project_edit, name="project_edit"),
    path("projets/<int:pk>/phase/", views.project_change_phase, name="project_change_phase"),
    path("projets/<int:pk>/actions/", views.action_add, name="action_add"),
    path(
        "projets/<int:pk>/actions/<int:action_pk>/modifier/",
        views.action_edit,
        name="action_edit",
    ),
    path(
        "projets/<int:pk>/actions/<int:action_pk>/supprimer/",
        views.action_delete,
        name="action_delete",
    ),
]
