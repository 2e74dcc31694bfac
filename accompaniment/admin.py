from django.contrib import admin

from pes21.admin import ReadOnlyHistoryAdmin, ReadOnlyInline

from .models import CollectiveAction, Holder, Meeting, Project, StatusChange


class StatusChangeInline(ReadOnlyInline, admin.TabularInline):
    model = StatusChange
    extra = 0
    fields = ("status", "changed_on", "changed_by", "note")
    raw_id_fields = ("changed_by",)


@admin.register(Holder)
class HolderAdmin(ReadOnlyHistoryAdmin):
    list_display = ("last_name", "first_name", "email", "commune")
    search_fields = ("last_name", "first_name", "email")


@admin.register(Project)
class ProjectAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "programme", "status", "received_on", "referent")
    list_filter = ("programme", "status")
    list_select_related = ("referent",)
    search_fields = ("name",)
    autocomplete_fields = ("holders",)
    raw_id_fields = ("structure",)
    inlines = [StatusChangeInline]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyHistoryAdmin):
    list_display = ("project", "date", "kind", "duration_minutes", "staff")
    list_select_related = ("project", "staff")
    raw_id_fields = ("project",)


@admin.register(CollectiveAction)
class CollectiveActionAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "date", "kind", "series", "animated_by_pes", "participants")
    list_filter = ("kind", "series", "animated_by_pes")
    filter_horizontal = ("attendees",)
