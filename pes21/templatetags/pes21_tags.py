import re
from decimal import ROUND_HALF_UP, Decimal

import phonenumbers
from django import template
from django.contrib.contenttypes.models import ContentType
from django.template import engines
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from pes21 import french
from pes21.forms import AttachmentForm
from pes21.hours import hours_display, minutes_to_hours
from pes21.listing import SORT_PARAM, filter_fields_html
from pes21.models import Attachment

register = template.Library()


@register.filter
def typeset(value) -> str:
    """Text from the database as French prints it (pes21.french.typography): a narrow no-break
    space before « : ; ! ? », inside « », typographic apostrophes; escaped unless already safe."""
    return french.typeset(value)


@register.filter
def fr_plural(count, forms: str = "s") -> str:
    """French agreement with a number: « 0 structure », « 1 structure », « 2 structures ».
    `forms` is the plural ending, or "singular,plural" endings (« al,aux »)."""
    singular, _, plural = forms.rpartition(",")
    return french.plural(count, singular, plural)


@register.filter
def duration(minutes: int | None) -> str:
    """The one way a page writes time: 90 -> "1 h 30", 120 -> "2 h", 45 -> "45 min", 0 -> "0 h".

    Every list and page (a meeting, a contribution, a project's or a case's total) reads the same,
    exact to the minute, so nothing is rounded on a page. The tenth-of-an-hour rounding of
    `pes21.hours` stays the rule of the figures (report, dashboard, exports), where hours are
    summed for funders; pages never write decimal hours.
    """
    hours, rest = divmod(int(minutes or 0), 60)
    if not hours and rest:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


@register.filter
def report_hours(minutes: int | None) -> str:
    """The figure the activity report counts for these minutes: 135 -> "2,3 h" (pes21.hours).

    Shown beside a project's total time, so staff read on the page the very hours the report
    gives funders, whatever way the page writes the time itself."""
    return f"{hours_display(minutes_to_hours(minutes))}\N{NO-BREAK SPACE}h"


@register.filter
def as_hours(hours) -> str:
    """An action's duration, kept in hours, written like the others: 2.25 -> "2 h 15"."""
    if hours is None:
        return "—"
    return duration(int((Decimal(hours) * 60).to_integral_value(rounding=ROUND_HALF_UP)))


@register.simple_tag(takes_context=True)
def sort_header(context, label: str, key: str, css: str = "") -> str:
    """A column header (the whole `<th>`) linking to the list sorted by `key`, keeping the other
    filters. `aria-sort` belongs to the header cell, and only to the sorted column."""
    request = context["request"]
    current = context.get("sort", "")
    params = request.GET.copy()
    params.pop("page", None)
    params[SORT_PARAM] = f"-{key}" if current == key else key
    sort_state, arrow = {key: ("ascending", "▲"), f"-{key}": ("descending", "▼")}.get(
        current, ("", "")
    )
    return format_html(
        '<th scope="col"{}{}><a href="?{}">{}{}</a></th>',
        format_html(' class="{}"', css) if css else "",
        format_html(' aria-sort="{}"', sort_state) if sort_state else "",
        params.urlencode(),
        label,
        format_html(' <span aria-hidden="true">{}</span>', arrow) if arrow else "",
    )


@register.simple_tag
def filter_fields(filterset) -> SafeString:
    """The fields of a list's filter form (pes21.listing.filter_fields_html)."""
    return filter_fields_html(filterset)


@register.simple_tag(takes_context=True)
def jinja(context, template_name: str) -> SafeString:
    """A part of the page written by the Jinja2 engine with the page's context: the rows of a
    list (pes21/jinja2.py says why)."""
    html = engines["jinja2"].get_template(template_name).render(context.flatten())
    return mark_safe(html)  # Jinja2 escapes what it writes (autoescape)


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


# A French number as pes21.phones stores it; not an 08 one, which phonenumbers writes
# « 0 800 12 34 56 ».
_FRENCH_STORED = re.compile(r"0[1-79][0-9]{8}")


@register.filter
def phone_link(value: str) -> str:
    """A phone number as a link a phone can call, written the French way (« 06 43 30 02 02 »,
    a foreign one in its international form); text that is no phone number stays as it is."""
    if not value:
        return "—"
    if _FRENCH_STORED.fullmatch(value):
        # What phonenumbers writes for these, without parsing: a list writes fifty numbers.
        shown = " ".join(value[i : i + 2] for i in range(0, 10, 2))
        return format_html('<a href="tel:+33{}">{}</a>', value[1:], shown)
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_possible_number(number):
        return value
    shown = phonenumbers.format_number(
        number,
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 33
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    )
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return format_html('<a href="tel:{}">{}</a>', e164, shown)


@register.filter
def email_link(value: str) -> str:
    if not value:
        return "—"
    return format_html('<a href="mailto:{}">{}</a>', value, value)
