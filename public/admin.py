"""The public doors' records, read-only in the admin: every write goes through public/services.py
(the staff's pages), so the waiting list, the e-mails and the domain records stay consistent."""

from django.contrib import admin

from .models import (
    Opening,
    ProjectRequest,
    QuestionnaireAnswer,
    QuestionnaireInvitation,
    Registration,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Opening)
class OpeningAdmin(ReadOnlyAdmin):
    list_display = ("action", "capacity", "closes_on", "is_open")
    list_select_related = ("action",)


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ("last_name", "first_name", "opening", "status", "attended", "created_at")
    list_filter = ("status",)
    list_select_related = ("opening__action",)
    exclude = ("token_hash",)


@admin.register(ProjectRequest)
class ProjectRequestAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "commune", "status")
    list_filter = ("kind", "status")


@admin.register(QuestionnaireInvitation)
class QuestionnaireInvitationAdmin(ReadOnlyAdmin):
    list_display = ("project", "holder", "sent_at", "expires_at", "answered_at")
    list_select_related = ("project", "holder")
    exclude = ("token_hash",)


@admin.register(QuestionnaireAnswer)
class QuestionnaireAnswerAdmin(ReadOnlyAdmin):
    list_display = ("invitation", "satisfaction", "publication", "created_at")
    list_select_related = ("invitation__holder", "invitation__project")
