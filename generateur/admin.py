from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import TerritorialAction, TerritorialProject, Territory


@admin.register(Territory)
class TerritoryAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "insee_code")
    search_fields = ("name", "insee_code")


@admin.register(TerritorialProject)
class TerritorialProjectAdmin(SimpleHistoryAdmin):
    list_display = ("name", "territory", "phase", "started_on", "ended_on")
    list_select_related = ("territory",)


@admin.register(TerritorialAction)
class TerritorialActionAdmin(SimpleHistoryAdmin):
    list_display = ("project", "date", "kind", "participants")
    list_select_related = ("project",)
