from django import template
from django.utils.html import format_html

register = template.Library()

_BADGES = {
    "fait": "text-bg-success",
    "en retard": "text-bg-danger",
    "à faire": "text-bg-warning",
    "à venir": "text-bg-light border",
    "sans objet": "text-bg-secondary",
}


@register.simple_tag
def state_badge(state: str) -> str:
    return format_html('<span class="badge {}">{}</span>', _BADGES.get(state, ""), state)
