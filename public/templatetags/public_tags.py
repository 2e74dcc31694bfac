"""The public doors' filters for staff pages (their panels: public.panels)."""

from django import template

register = template.Library()


@register.filter
def answer_texts(answer) -> list[tuple[str, str]]:
    """An answer's written replies, each with its question."""
    return [
        (answer._meta.get_field(name).verbose_name, getattr(answer, name))
        for name in answer.WRITTEN
        if getattr(answer, name).strip()
    ]
