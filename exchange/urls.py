from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("verifier/", views.import_check, name="import_check"),
    path("importer/", views.import_confirm, name="import_confirm"),
    path("suivi/<str:job_id>/", views.job, name="job"),
    path("exporter/", views.export, name="export"),
    path("exemple.zip", views.sample, name="sample"),
]
