from django import template
from django.contrib.contenttypes.models import ContentType
from django.utils.html import format_html

from pes21.forms import AttachmentForm
from pes21.hours import hours_display, minutes_to_hours
from pes21.listing import SORT_PARAM
from pes21.models import Attachment

register = template.Library()


@register.filter
def minutes_as_hours(minutes: int | None) -> str:
    """135 -> "2,3" (pes21.hours); the unit is written by the template."""
    return hours_display(minutes_to_hours(minutes))


@register.filter
def as_hours(hours) -> str:
    """A duration already in hours (an action's), shown by the same rule: 2.25 -> "2,3"."""
    return hours_display(hours)


@register.simple_tag(takes_context=True)
def sort_header(context, label: str, key: str) -> str:
    """A column header linking to the list sorted by `key`, keeping the other filters."""
    request = context["request"]
    current = context.get("sort", "")
    params = request.GET.copy()
    params.pop("page", None)
    descending = current == key
    params[SORT_PARAM] = f"-{key}" if descending else key
    arrow = ""
    if current == key:
        arrow = " ▲"
    elif current == f"-{key}":
        arrow = " ▼"
    sort_state = "ascending" if current == key else "descending" if current == f"-{key}" else "none"
    return format_html(
        '<a href="?{}" aria-sort="{}">{}{}</a>', params.urlencode(), sort_state, label, arrow
    )


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (for export links, pages)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.inclusion_tag("pes21/_attachments.html", takes_context=True)
def attachments_panel(context, target) -> dict:
    content_type = ContentType.objects.get_for_model(target)
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "target": target,
        "content_type_id": content_type.pk,
        "attachments": Attachment.objects.filter(
            content_type=content_type, object_id=target.pk
        ).select_related("uploaded_by"),
        "form": AttachmentForm(),
    }


@register.inclusion_tag("pes21/_history.html")
def history_panel(target) -> dict:
    from pes21.history import history_of

    return {"entries": history_of(target)}
