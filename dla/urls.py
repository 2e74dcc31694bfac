from django.urls import path

from . import views

app_name = "dla"
urlpatterns = [
    path("structures/", views.structure_list, name="structure_list"),
    path("structures/<int:pk>/", views.structure_detail, name="structure_detail"),
    path("prestataires/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("ingenieries-collectives/<int:pk>/", views.collective_detail, name="collective_detail"),
]
