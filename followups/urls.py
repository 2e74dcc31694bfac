from django.urls import path

from . import views

app_name = "followups"
urlpatterns = [
    path("suivis/", views.todo, name="todo"),
    path("suivis/projet/<int:pk>/", views.project_answer, name="project_answer"),
    path("suivis/structure/<int:pk>/", views.structure_answer, name="structure_answer"),
    path("suivis/<int:pk>/modifier/", views.follow_up_edit, name="follow_up_edit"),
]
