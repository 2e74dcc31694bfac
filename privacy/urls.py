from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("conservation/", views.retention, name="retention"),
    path("<str:kind>/<int:pk>/export/", views.person_export, name="export"),
    path("<str:kind>/<int:pk>/anonymisation/", views.person_erase, name="erase"),
]
