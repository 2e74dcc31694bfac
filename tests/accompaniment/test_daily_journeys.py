"""Issue #18, item 4: the daily journeys of the staff on projects and holders."""

import datetime as dt
import re
import uuid

from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Meeting
from devtools.demo.accompaniment import _of
from tests import factories


def _meeting(**changes) -> dict:
    data = {
        "date": "2022-04-12",
        "duration_minutes": "30",
        "kind": "individuel",
        "submission_token": str(uuid.uuid4()),
    }
    return {**data, **changes}


def test_a_meeting_saved_with_htmx_sends_the_new_next_step_out_of_band(staff_client):
    project = factories.ProjectFactory(next_step="Ancienne étape")
    response = staff_client.post(
        reverse("accompaniment:meeting_add", args=[project.pk]),
        _meeting(next_step="Relecture des statuts", next_step_on="2022-05-03"),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    panel = re.search(r'<section[^>]*id="next-step"[^>]*>.*?</section>', html, re.S).group(0)
    assert 'hx-swap-oob="true"' in panel
    assert "Relecture des statuts" in panel and "03/05/2022" in panel
    assert "Ancienne étape" not in html


def test_the_full_project_page_shows_the_next_step_panel_in_place(staff_client):
    project = factories.ProjectFactory(next_step="Relecture des statuts")
    html = staff_client.get(project.get_absolute_url()).content.decode()
    assert html.count('id="next-step"') == 1
    assert "hx-swap-oob" not in html


def test_a_meeting_without_duration_is_refused_and_says_why(staff_client):
    project = factories.ProjectFactory()
    response = staff_client.post(
        reverse("accompaniment:meeting_add", args=[project.pk]),
        _meeting(duration_minutes=""),
        HTTP_HX_REQUEST="true",
    )
    assert 'href="#id_duration_minutes"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_project_list_flags_overdue_next_steps_only_on_open_projects(staff_client):
    today = timezone.localdate()
    factories.ProjectFactory(name="Late", next_step="Appeler", next_step_on=today - dt.timedelta(1))
    factories.ProjectFactory(name="Soon", next_step="Appeler", next_step_on=today)
    factories.ProjectFactory(
        name="Closed",
        status="abandonne",
        next_step="Appeler",
        next_step_on=today - dt.timedelta(1),
        ended_on=today - dt.timedelta(1),
    )
    html = staff_client.get(reverse("accompaniment:project_list")).content.decode()
    rows = {
        name: row
        for row in re.findall(r"<tr>.*?</tr>", html, re.S)
        for name in ("Late", "Soon", "Closed")
        if f">{name}</a>" in row
    }
    assert "En retard" in rows["Late"]
    assert "En retard" not in rows["Soon"] and "En retard" not in rows["Closed"]


def test_holders_with_the_same_last_name_are_sorted_by_first_name(staff_client):
    for first in ("Zoé", "Adèle", "Marc"):
        factories.HolderFactory(last_name="Martin", first_name=first)
    html = staff_client.get(reverse("accompaniment:holder_list")).content.decode()
    positions = [html.index(f"Martin {first}") for first in ("Adèle", "Marc", "Zoé")]
    assert positions == sorted(positions)
    descending = staff_client.get(reverse("accompaniment:holder_list") + "?tri=-nom")
    html = descending.content.decode()
    positions = [html.index(f"Martin {first}") for first in ("Zoé", "Marc", "Adèle")]
    assert positions == sorted(positions)


def test_phone_numbers_and_emails_are_links_written_the_french_way():
    html = Template(
        "{% load pes21_tags %}{{ a|phone_link }}|{{ b|phone_link }}|{{ c|phone_link }}"
        "|{{ d|email_link }}|{{ e|phone_link }}"
    ).render(
        Context({"a": "0643300202", "b": "+41221234567", "c": "inconnu", "d": "a@b.fr", "e": ""})
    )
    assert html.split("|") == [
        '<a href="tel:+33643300202">06 43 30 02 02</a>',
        '<a href="tel:+41221234567">+41 22 123 45 67</a>',
        "inconnu",
        '<a href="mailto:a@b.fr">a@b.fr</a>',
        "—",
    ]


def test_list_filters_offer_tous_rather_than_dashes(staff_client):
    for name in ("accompaniment:project_list", "dla:structure_list", "volunteers:volunteer_list"):
        html = staff_client.get(reverse(name)).content.decode()
        assert "---------" not in html
        assert '<option value="" selected>Tous</option>' in html


def test_demo_texts_elide_de_before_a_vowel():
    assert _of("librairie coopérative") == "de librairie coopérative"
    assert _of("épicerie solidaire") == "d'épicerie solidaire"
    assert _of("atelier vélo") == "d'atelier vélo"
