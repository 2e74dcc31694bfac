from django.contrib import admin

from .models import Erasure


@admin.register(Erasure)
class ErasureAdmin(admin.ModelAdmin):
    """The register, read only: it is the proof that each request was answered."""

    list_display = ("erased_at", "kind", "object_id", "erased_by", "reason")
    list_filter = ("kind",)
    list_select_related = ("erased_by",)
    readonly_fields = ("kind", "object_id", "erased_at", "erased_by", "reason", "actions")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
