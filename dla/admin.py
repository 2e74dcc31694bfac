from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CollectiveEngineering, Provider, Step, Structure


@admin.register(Structure)
class StructureAdmin(SimpleHistoryAdmin):
    list_display = ("name", "siret", "legal_form", "employees", "commune")
    search_fields = ("name", "siret")


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    list_display = ("name", "themes")
    search_fields = ("name",)


@admin.register(CollectiveEngineering)
class CollectiveEngineeringAdmin(SimpleHistoryAdmin):
    list_display = ("ref", "title", "provider", "theme", "started_on")
    list_select_related = ("provider",)


@admin.register(Step)
class StepAdmin(SimpleHistoryAdmin):
    list_display = ("structure", "kind", "date", "provider", "days", "cost_eur")
    list_filter = ("kind",)
    list_select_related = ("structure", "provider")
    raw_id_fields = ("structure",)
