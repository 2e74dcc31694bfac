from django.urls import path

from . import views

app_name = "accompaniment"
urlpatterns = [
    path("projets/", views.project_list, name="project_list"),
    path("projets/<int:pk>/", views.project_detail, name="project_detail"),
    path("porteurs/<int:pk>/", views.holder_detail, name="holder_detail"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
]
