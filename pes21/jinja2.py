"""The Jinja2 engine, for the few templates rendered thousands of times a minute: the rows of
the lists (`{% jinja "…_rows.jinja" %}` in a Django template, pes21_tags).

Django's template language spends most of a 50-row list resolving variables; Jinja2 compiles a
template to Python. A value is written exactly as a Django template writes it (`finalize`:
local time, French numbers, escaping), and the filters are the very functions of the project's
Django template libraries (and Django's `date` and `join`), so a date, a duration or an amount
reads the same from either engine.
Jinja2's own `default` only replaces an undefined name: write `value or "—"` in these templates.
"""

import html

from django.template import engines
from django.template.defaultfilters import date as django_date
from django.template.defaultfilters import join as django_join
from django.urls import reverse
from django.utils.formats import localize
from django.utils.timezone import template_localtime
from jinja2 import Environment
from markupsafe import Markup


def as_django_writes(value):
    """What a Django template does to a value before writing it (render_value_in_context):
    local time, French numbers, Django's escaping (the same bytes, `&#x27;` included).

    Called for every value of every row: the steps of django.utils.html.conditional_escape,
    without its layers."""
    if hasattr(value, "__html__"):  # safe already (a link built by a filter)
        return value
    if type(value) is not str:
        value = str(localize(template_localtime(value)))
    return Markup(html.escape(value))


def date(value, arg="SHORT_DATE_FORMAT") -> str:
    """Django's `date` filter, in local time as Django's engine gives it (23/11/2026)."""
    return django_date(template_localtime(value), arg)


def environment(*, filter_libraries=(), **options) -> Environment:
    """The Jinja2 environment of settings.TEMPLATES; `filter_libraries` names the Django
    template libraries (`{% load %}` names) whose filters the Jinja2 templates may use."""
    env = Environment(finalize=as_django_writes, **options)
    libraries = engines["django"].engine.template_libraries
    for name in filter_libraries:
        env.filters.update(libraries[name].filters)
    env.filters["date"] = date
    env.filters["join"] = django_join
    env.globals["url"] = lambda name, *args: reverse(name, args=args)
    return env
