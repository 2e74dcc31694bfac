from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Focus, ReportEdition


class FocusInline(admin.StackedInline):
    model = Focus
    extra = 0
    raw_id_fields = ["project", "structure", "territorial_project"]


@admin.register(ReportEdition)
class ReportEditionAdmin(SimpleHistoryAdmin):
    list_display = ["year", "status", "published_at", "updated_at"]
    list_filter = ["status"]
    readonly_fields = ["frozen_figures", "published_at", "published_by", "version"]
    inlines = [FocusInline]

    def get_readonly_fields(self, request, obj=None):
        # A published edition is the funders' document: even the admin cannot retouch it.
        if obj is not None and obj.is_published:
            return [field.name for field in obj._meta.fields]
        return self.readonly_fields
