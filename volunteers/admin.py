from django.contrib import admin

from pes21.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin

from .models import Case, Contribution, Skill, Volunteer

admin.site.register(Skill, ReadOnlyAdmin)


@admin.register(Volunteer)
class VolunteerAdmin(ReadOnlyHistoryAdmin):
    list_display = ("last_name", "first_name", "email", "joined_on", "left_on")
    search_fields = ("last_name", "first_name", "email")
    filter_horizontal = ("skills",)


@admin.register(Case)
class CaseAdmin(ReadOnlyHistoryAdmin):
    list_display = ("project", "mission", "status", "volunteer", "opened_at")
    list_filter = ("status", "mission")
    list_select_related = ("project", "volunteer")
    raw_id_fields = ("project", "volunteer", "opened_by")
    filter_horizontal = ("skills",)


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyHistoryAdmin):
    list_display = ("date", "volunteer", "mission", "minutes", "case")
    list_filter = ("mission",)
    list_select_related = ("volunteer", "case__project")
    raw_id_fields = ("volunteer", "case")
    date_hierarchy = "date"
