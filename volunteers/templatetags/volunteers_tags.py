"""The volunteers app's template filters (its panels on other pages: volunteers.panels)."""

from django import template

register = template.Library()
