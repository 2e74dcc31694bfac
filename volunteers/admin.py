from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Skill, Volunteer

admin.site.register(Skill)


@admin.register(Volunteer)
class VolunteerAdmin(SimpleHistoryAdmin):
    list_display = ("last_name", "first_name", "email", "joined_on", "left_on")
    search_fields = ("last_name", "first_name", "email")
    filter_horizontal = ("skills",)
