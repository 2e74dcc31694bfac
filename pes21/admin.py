from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Attachment, User
from .second_factor import second_factor_turn_off

# The devices' own pages would show the secrets and let a device go without the account
# knowing: the reset below is the administrator's one door.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)

admin.site.site_header = "Administration du PES 21"
admin.site.site_title = "PES 21"


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
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("title", "content_type", "object_id", "uploaded_by", "uploaded_at")
    list_select_related = ("content_type", "uploaded_by")
