from django.urls import path

from . import views

app_name = "dla"
urlpatterns = [
    path("structures/", views.structure_list, name="structure_list"),
    path("structures/export/", views.structure_export, name="structure_export"),
    path("structures/nouvelle/", views.structure_create, name="structure_create"),
    path("structures/<int:pk>/", views.structure_detail, name="structure_detail"),
    path("structures/<int:pk>/modifier/", views.structure_edit, name="structure_edit"),
    path("structures/<int:pk>/etapes/", views.step_add, name="step_add"),
    path("etapes/<int:pk>/", views.step_edit, name="step_edit"),
    path("etapes/<int:pk>/supprimer/", views.step_delete, name="step_delete"),
    path("suivis-a-faire/", views.follow_ups, name="follow_ups"),
    path("bilan/", views.overview, name="overview"),
    path("bilan/<int:year>/", views.overview, name="overview_year"),
    path("prestataires/", views.provider_list, name="provider_list"),
    path("prestataires/nouveau/", views.provider_create, name="provider_create"),
    path("prestataires/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("prestataires/<int:pk>/modifier/", views.provider_edit, name="provider_edit"),
    path("ingenieries-collectives/", views.collective_list, name="collective_list"),
    path("ingenieries-collectives/nouvelle/", views.collective_create, name="collective_create"),
    path("ingenieries-collectives/<int:pk>/", views.collective_detail, name="collective_detail"),
    path(
        "ingenieries-collectives/<int:pk>/structures/",
        views.collective_join,
        name="collective_join",
    ),
    path(
        "ingenieries-collectives/<int:pk>/modifier/",
        views.collective_edit,
        name="collective_edit",
    ),
]
