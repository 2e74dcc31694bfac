from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.index, name="index"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("<int:year>/", views.report, name="report"),
    path("<int:year>/textes/", views.edition_edit, name="edition_edit"),
    path("<int:year>/textes/<slug:section>/", views.edition_edit, name="edition_edit_section"),
    path("<int:year>/images/", views.images, name="images"),
    path("<int:year>/images/<int:pk>/", views.image, name="image"),
    path("<int:year>/images/<int:pk>/supprimer/", views.image_delete_view, name="image_delete"),
    path(
        "<int:year>/territoires/<int:project_pk>/",
        views.narrative_edit,
        name="narrative_edit",
    ),
    path("<int:year>/publier/", views.edition_publish_view, name="edition_publish"),
    path("<int:year>/rouvrir/", views.edition_reopen_view, name="edition_reopen"),
    path("<int:year>/focus/ajouter/", views.focus_edit, name="focus_add"),
    path("<int:year>/focus/<int:pk>/", views.focus_edit, name="focus_edit"),
    path("<int:year>/focus/<int:pk>/supprimer/", views.focus_delete_view, name="focus_delete"),
    path("<int:year>/rapport.pdf", views.report_pdf_view, name="report_pdf"),
    path("<int:year>/chiffres.<str:fmt>", views.export, name="export"),
]
