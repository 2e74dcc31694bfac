from django.urls import path

from . import views

app_name = "volunteers"
urlpatterns = [
    path("", views.volunteer_list, name="volunteer_list"),
    path("nouveau/", views.volunteer_create, name="volunteer_create"),
    path("<int:pk>/", views.volunteer_detail, name="volunteer_detail"),
    path("<int:pk>/modifier/", views.volunteer_edit, name="volunteer_edit"),
    path("<int:pk>/invitation/", views.volunteer_invite, name="volunteer_invite"),
    path("dossiers/", views.case_list, name="case_list"),
    path("dossiers/<int:pk>/", views.case_detail, name="case_detail"),
    path("dossiers/<int:pk>/confirmation/", views.case_confirm, name="case_confirm"),
    path("dossiers/<int:pk>/liberation/", views.case_release, name="case_release"),
    path("dossiers/<int:pk>/cloture/", views.case_close, name="case_close"),
    path("projet/<int:project_pk>/ouverture/", views.case_open, name="case_open"),
    path("tableau/", views.board, name="board"),
    path("tableau/<int:pk>/prendre/", views.case_take, name="case_take"),
    path("mon-espace/", views.my_space, name="my_space"),
    path("mon-espace/dossiers/<int:pk>/", views.my_case, name="my_case"),
    path("mon-espace/temps/", views.contribution_add, name="contribution_add"),
]
