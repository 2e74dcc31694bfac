from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Case, Contribution, Skill, Volunteer

admin.site.register(Skill)


@admin.register(Volunteer)
class VolunteerAdmin(SimpleHistoryAdmin):
    list_display = ("last_name", "first_name", "email", "joined_on", "left_on")
    search_fields = ("last_name", "first_name", "email")
    filter_horizontal = ("skills",)


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ("project", "mission", "status", "volunteer", "opened_at")
    list_filter = ("status", "mission")
    list_select_related = ("project", "volunteer")
    raw_id_fields = ("project", "volunteer", "opened_by")
    filter_horizontal = ("skills",)


@admin.register(Contribution)
class ContributionAdmin(SimpleHistoryAdmin):
    list_display = ("date", "volunteer", "mission", "minutes", "case")
    list_filter = ("mission",)
    list_select_related = ("volunteer", "case__project")
    raw_id_fields = ("volunteer", "case")
    date_hierarchy = "date"
