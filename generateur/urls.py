from django.urls import path

from . import views

app_name = "generateur"
urlpatterns = [
    path("territoires/", views.territory_list, name="territory_list"),
    path("territoires/<int:pk>/", views.territory_detail, name="territory_detail"),
    path("projets/<int:pk>/", views.project_detail, name="project_detail"),
]
