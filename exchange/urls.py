from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("verifier/", views.import_check, name="import_check"),
    path("importer/", views.import_confirm, name="import_confirm"),
    path("suivi/<uuid:job_id>/", views.job, name="job"),
    path("suivi/<uuid:job_id>/relancer/", views.job_retry, name="job_retry"),
    path("exporter/", views.export, name="export"),
    path("exemple.zip", views.sample, name="sample"),
]
