from django.contrib import admin

from pes21.admin import ReadOnlyHistoryAdmin

from .models import FollowUp


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyHistoryAdmin):
    list_display = ("__str__", "years_after", "due_on", "outcome", "headcount", "answered_on")
    list_filter = ("outcome", "years_after")
    raw_id_fields = ("project", "engineering", "answered_by")
