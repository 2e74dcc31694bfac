from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import PhaseChange, TerritorialAction, TerritorialProject, Territory


@admin.register(Territory)
class TerritoryAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "insee_code")
    list_filter = ("kind",)
    search_fields = ("name", "insee_code")


class PhaseChangeInline(admin.TabularInline):
    model = PhaseChange
    extra = 0
    fields = ("phase", "changed_on", "changed_by", "note")


@admin.register(TerritorialProject)
class TerritorialProjectAdmin(SimpleHistoryAdmin):
    list_display = ("name", "territory", "phase", "started_on", "ended_on", "staff")
    list_filter = ("phase",)
    list_select_related = ("territory", "staff")
    search_fields = ("name", "territory__name", "created_structure_name")
    inlines = [PhaseChangeInline]


@admin.register(TerritorialAction)
class TerritorialActionAdmin(SimpleHistoryAdmin):
    list_display = ("project", "date", "kind", "participants")
    list_filter = ("kind",)
    list_select_related = ("project",)
    date_hierarchy = "date"
