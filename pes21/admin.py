from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Attachment, User

admin.site.site_header = "Administration du PES 21"
admin.site.site_title = "PES 21"


@admin.register(User)
class PesUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "job_title", "email", "is_active")
    list_filter = ("groups", "is_active", "is_superuser")
    # The job title is printed under the name in the yearly report's staff team.
    fieldsets = [
        (name, {**options, "fields": (*options["fields"], "job_title")})
        if options["fields"] == ("first_name", "last_name", "email")
        else (name, options)
        for name, options in UserAdmin.fieldsets
    ]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("title", "content_type", "object_id", "uploaded_by", "uploaded_at")
    list_select_related = ("content_type", "uploaded_by")
