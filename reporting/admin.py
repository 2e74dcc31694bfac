from django.contrib import admin

from pes21.admin import ReadOnlyHistoryAdmin, ReadOnlyInline

from .models import Focus, ReportEdition


class FocusInline(ReadOnlyInline, admin.StackedInline):
    model = Focus
    extra = 0
    raw_id_fields = ["project", "structure", "territorial_project"]


@admin.register(ReportEdition)
class ReportEditionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["year", "status", "published_at", "updated_at"]
    list_filter = ["status"]
    inlines = [FocusInline]
