"""The Django admin: accounts and groups are managed here; the domain's records are only read.

The rules of the data and what follows a change (a closed project's cases, a status history,
a phase date) live in the apps' models and services, which every page of the application
goes through (docs/rules.md). The admin's forms would save around them, so every domain
model is shown read-only (`ReadOnlyAdmin`, `ReadOnlyHistoryAdmin`, `ReadOnlyInline`): an
administrator can look a record up, its history included, and corrects it in the
application. Accounts and groups (`PesUserAdmin`, Django's GroupAdmin) stay editable.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from .models import Attachment, User
from .second_factor import second_factor_turn_off

# The devices' own pages would show the secrets and let a device go without the account
# knowing: the reset below is the administrator's one door.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)

admin.site.site_header = "Administration du PES 21"
admin.site.site_title = "PES 21"


class _ReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(_ReadOnly, admin.ModelAdmin):
    """A domain model's records, shown and never written (see the module)."""


class ReadOnlyHistoryAdmin(_ReadOnly, SimpleHistoryAdmin):
    """The same, with the record's change history."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a past version sent back by POST whatever the permissions
        # say (its "Rétablir" button): reading a past version is all that is left.
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyInline(_ReadOnly):
    """Mixed into an inline of a read-only admin: its rows shown, none added or changed."""


@admin.register(User)
class PesUserAdmin(UserAdmin):
    list_display = (
        "username",
        "first_name",
        "last_name",
        "job_title",
        "email",
        "is_active",
        "second_factor",
    )
    list_filter = ("groups", "is_active", "is_superuser", "second_factor")
    actions = ["reset_second_factor"]
    # The job title is printed under the name in the yearly report's staff team.
    fieldsets = [
        (name, {**options, "fields": (*options["fields"], "job_title")})
        if options["fields"] == ("first_name", "last_name", "email")
        else (name, options)
        for name, options in UserAdmin.fieldsets
    ]

    @admin.action(description="Réinitialiser la double authentification")
    def reset_second_factor(self, request, queryset):
        """For a person who lost their phone and their backup codes: the password alone signs
        them in again, and they turn it on anew from « Mon compte »."""
        for user in queryset.filter(second_factor=True):
            second_factor_turn_off(user=user)
            self.log_change(request, user, "Double authentification réinitialisée.")
        self.message_user(
            request,
            "Double authentification réinitialisée : ces personnes se connectent avec leur mot de "
            "passe et peuvent la réactiver depuis « Mon compte ».",
            messages.SUCCESS,
        )


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("title", "content_type", "object_id", "uploaded_by", "uploaded_at")
    list_select_related = ("content_type", "uploaded_by")
