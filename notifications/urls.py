from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("compte/", views.account, name="account"),
    path("compte/agenda/renouveler/", views.calendar_renew, name="calendar_renew"),
    path("compte/agenda/supprimer/", views.calendar_remove, name="calendar_remove"),
    path("compte/agenda/titres/", views.calendar_details, name="calendar_details"),
    path("agenda/", views.agenda, name="agenda"),
    path("agenda/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
