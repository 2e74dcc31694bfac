from django.contrib import admin

from pes21.admin import ReadOnlyHistoryAdmin

from .models import CollectiveEngineering, Provider, Step, Structure


@admin.register(Structure)
class StructureAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "siret", "legal_form", "employees", "commune", "esus_expires_on")
    list_filter = ("legal_form",)
    search_fields = ("name", "siret", "commune")
    readonly_fields = ("version",)


@admin.register(Provider)
class ProviderAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "contact_name", "themes")
    search_fields = ("name", "contact_name", "themes")
    readonly_fields = ("version",)


@admin.register(CollectiveEngineering)
class CollectiveEngineeringAdmin(ReadOnlyHistoryAdmin):
    list_display = ("ref", "title", "provider", "theme", "started_on", "ended_on")
    list_select_related = ("provider",)
    search_fields = ("ref", "title", "theme")
    readonly_fields = ("version",)


@admin.register(Step)
class StepAdmin(ReadOnlyHistoryAdmin):
    list_display = ("structure", "kind", "date", "ended_on", "provider", "days", "cost_eur")
    list_filter = ("kind",)
    list_select_related = ("structure", "provider")
    raw_id_fields = ("structure", "collective")
    search_fields = ("structure__name", "theme")
    date_hierarchy = "date"
    readonly_fields = ("version",)
