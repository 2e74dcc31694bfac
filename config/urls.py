from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from pes21 import accounts, views
from pes21.forms import LoginForm
from pes21.middleware import second_factor_exempt

urlpatterns = [
    path("", views.home, name="home"),
    path("recherche/", views.search, name="search"),
    path("choix/<slug:kind>/", views.picker, name="picker"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "documents/ajout/<int:content_type_id>/<int:object_id>/",
        views.attachment_add,
        name="attachment_add",
    ),
    path("documents/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("documents/<int:pk>/suppression/", views.attachment_remove, name="attachment_remove"),
    path(
        "compte/connexion/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path(
        "compte/deconnexion/",
        second_factor_exempt(auth_views.LogoutView.as_view()),
        name="logout",
    ),
    path("compte/verification/", views.second_factor_verify, name="second_factor_verify"),
    path("compte/double-authentification/", views.second_factor_manage, name="second_factor"),
    path(
        "compte/double-authentification/activation/",
        views.second_factor_setup,
        name="second_factor_setup",
    ),
    path(
        "compte/double-authentification/codes-de-secours/",
        views.second_factor_codes,
        name="second_factor_codes",
    ),
    path(
        "compte/double-authentification/desactivation/",
        views.second_factor_off,
        name="second_factor_off",
    ),
    path(
        "compte/mot-de-passe/",
        accounts.ThrottledPasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "compte/mot-de-passe/change/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("compte/oubli/", accounts.ThrottledPasswordResetView.as_view(), name="password_reset"),
    path(
        "compte/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "compte/reinitialisation/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "compte/reinitialisation/terminee/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accompagnement/", include("accompaniment.urls")),
    path("dla/", include("dla.urls")),
    path("generateur/", include("generateur.urls")),
    path("benevoles/", include("volunteers.urls")),
    path("rapport/", include("reporting.urls")),
    path("donnees/", include("exchange.urls")),
    path("rgpd/", include("privacy.urls")),
    path("", include("followups.urls")),
    path("", include("notifications.urls")),
    path("public/", include("public.urls")),
    path("accueil-public/", include("public.staff_urls")),
    path("admin/", admin.site.urls),
]
