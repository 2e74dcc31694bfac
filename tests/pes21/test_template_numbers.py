"""Identifiers, versions, years and page numbers are written into pages ungrouped.

French formatting groups digits (« 12 345 »): a record's id rendered that way in a form value
or a link breaks the form once the table passes a thousand rows (it happened to attendance on
PostgreSQL, whose sequences the test run had pushed past 1,000), and a year reads « 2 023 ».
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from tests import factories

# `{{ x.pk }}`, `{{ version }}`, `{{ year }}`… written with no filter at all.
BARE_NUMBER = re.compile(
    r"\{\{ ?([a-zA-Z_.]*(?:(?:^|\.)(?:pk|id)|_pk|object_id|version|year|page_number)) ?\}\}"
)


def _templates():
    root = Path(settings.BASE_DIR) / "templates"
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_no_template_writes_an_identifier_a_version_or_a_year_localized():
    found = []
    for path in _templates():
        for line_no, line in enumerate(path.read_text().splitlines(), 1):
            for match in BARE_NUMBER.finditer(line):
                # A form's bound field renders its widget, not a number.
                if "form" not in match.group(1):
                    found.append(f"{path.name}:{line_no} {match.group(0)}")
    assert not found, "Ajoutez |unlocalize : " + ", ".join(found)


def test_unlocalize_is_available_in_every_template_and_french_numbers_still_group():
    with translation.override("fr"):
        text = Template("{{ n }} {{ n|unlocalize }}").render(Context({"n": 12345}))
    assert text == "12\u202f345 12345"


@pytest.mark.django_db
def test_attendance_form_names_registrants_and_holders_past_a_thousand(client):
    from public.models import Registration

    staff = factories.staff_user()
    client.force_login(staff)
    opening = factories.OpeningFactory()
    known = factories.HolderFactory(pk=12345, email="amina@example.org")
    registration = factories.RegistrationFactory(
        pk=23456,
        opening=opening,
        first_name=known.first_name,
        last_name=known.last_name,
        email="amina@example.org",
    )
    page = client.get(opening.action.get_absolute_url()).content.decode()
    assert 'name="fiche-23456"' in page
    assert 'value="12345"' in page
    assert Registration.objects.get(pk=registration.pk).holder is None
