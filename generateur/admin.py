from django.contrib import admin

from pes21.admin import ReadOnlyHistoryAdmin, ReadOnlyInline

from .models import PhaseChange, TerritorialAction, TerritorialProject, Territory


@admin.register(Territory)
class TerritoryAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "kind", "insee_code")
    list_filter = ("kind",)
    search_fields = ("name", "insee_code")


class PhaseChangeInline(ReadOnlyInline, admin.TabularInline):
    model = PhaseChange
    extra = 0
    fields = ("phase", "changed_on", "changed_by", "note")


@admin.register(TerritorialProject)
class TerritorialProjectAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "territory", "phase", "started_on", "ended_on", "staff")
    list_filter = ("phase",)
    list_select_related = ("territory", "staff")
    search_fields = ("name", "territory__name", "created_structure_name")
    inlines = [PhaseChangeInline]


@admin.register(TerritorialAction)
class TerritorialActionAdmin(ReadOnlyHistoryAdmin):
    list_display = ("project", "date", "kind", "participants")
    list_filter = ("kind",)
    list_select_related = ("project",)
    date_hierarchy = "date"
