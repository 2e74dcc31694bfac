"""Report editions: drafts, publication that freezes the figures, the director's rights."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reporting.models import Focus, ReportEdition
from reporting.presentation import french_typography, render_markdown
from reporting.services import (
    edition_publish,
    edition_reopen,
    edition_update,
    focus_save,
)
from tests.factories import ProjectFactory, StructureFactory, report_edition

pytestmark = pytest.mark.django_db

Y = 2022


def _form_data(edition: ReportEdition, **changes) -> dict:
    data = {
        field: getattr(edition, field)
        for field in ("rapport_moral", "edito", "perspectives", "partners", "contact")
    }
    return data | {"version": edition.version} | changes


def test_director_saves_a_draft_and_everyone_on_staff_reads_it(director_client, client, staff):
    response = director_client.post(
        reverse("reporting:edition_edit", args=[Y]),
        _form_data(
            report_edition(year=Y),
            rapport_moral="Une année **riche** : merci !",
        ),
    )
    assert response.status_code == 302
    edition = ReportEdition.objects.get(year=Y)
    response = director_client.post(
        reverse("reporting:edition_edit_section", args=[Y, "fin"]),
        _form_data(edition, partners="Région BFC\nDijon Métropole\n"),
    )
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.rapport_moral == "Une année **riche** : merci !"
    assert edition.partner_list == ["Région BFC", "Dijon Métropole"]
    assert not edition.is_published
    client.force_login(staff)
    page = client.get(reverse("reporting:report", args=[Y])).content.decode()
    assert "<strong>riche</strong>\u202f: merci\u202f!" in page
    assert "Dijon Métropole" in page
    assert reverse("reporting:edition_edit", args=[Y]) not in page  # no editing link for staff


def test_staff_cannot_edit_publish_or_add_a_focus(staff_client):
    edition = report_edition(year=Y)
    urls = [
        reverse("reporting:edition_edit", args=[Y]),
        reverse("reporting:edition_publish", args=[Y]),
        reverse("reporting:focus_add", args=[Y]),
    ]
    for url in urls:
        assert staff_client.post(url, _form_data(edition, edito="pirate")).status_code == 403
    edition.refresh_from_db()
    assert edition.edito == "" and not edition.is_published
    assert not Focus.objects.exists()


def test_volunteer_sees_no_report(volunteer_client):
    for url in (
        reverse("reporting:index"),
        reverse("reporting:report", args=[Y]),
        reverse("reporting:export", args=[Y, "csv"]),
        reverse("reporting:dashboard"),
    ):
        assert volunteer_client.get(url).status_code == 403


def test_a_form_from_an_older_version_is_refused_and_saves_nothing(director_client, director):
    edition = report_edition(year=Y)
    stale_version = edition.version
    edition_update(
        edition=edition, data={"edito": "Première"}, version=stale_version, user=director
    )
    response = director_client.post(
        reverse("reporting:edition_edit", args=[Y]),
        _form_data(edition, edito="Seconde", version=stale_version),
    )
    assert response.status_code == 200
    assert "a modifié cette fiche pendant que vous la modifiiez" in response.content.decode()
    assert ReportEdition.objects.get(year=Y).edito == "Première"


def test_publishing_freezes_the_figures_and_the_page_shows_what_changed(director_client, director):
    ProjectFactory(received_on=dt.date(Y, 3, 1))
    response = director_client.post(reverse("reporting:edition_publish", args=[Y]))
    assert response.status_code == 302
    edition = ReportEdition.objects.get(year=Y)
    assert edition.is_published and edition.published_by == director
    assert edition.frozen_figures["creation"]["projets_accueillis"] == 1

    ProjectFactory(received_on=dt.date(Y, 4, 1))  # corrected afterwards
    page = director_client.get(reverse("reporting:report", args=[Y])).content.decode()
    assert "ont changé depuis la publication" in page
    assert "Projets accueillis (Bénéfices&#x27;Créa)" in page
    edition.refresh_from_db()
    assert edition.frozen_figures["creation"]["projets_accueillis"] == 1
    export = director_client.get(reverse("reporting:export", args=[Y, "json"]))
    assert export.json()["creation"]["projets_accueillis"] == 1


def test_a_published_edition_is_locked(director_client, director):
    edition = edition_publish(edition=report_edition(year=Y), user=director)
    with pytest.raises(ValidationError):
        edition_update(edition=edition, data={"edito": "x"}, version=edition.version, user=director)
    with pytest.raises(ValidationError):
        focus_save(focus=Focus(edition=edition, section="dla", title="t", text="t"), user=director)
    with pytest.raises(ValidationError):
        edition_publish(edition=edition, user=director)
    response = director_client.post(
        reverse("reporting:edition_edit", args=[Y]), _form_data(edition, edito="x")
    )
    assert response.status_code == 302
    assert ReportEdition.objects.get(year=Y).edito == ""


def test_reopening_drops_the_frozen_figures(director, director_client):
    edition_publish(edition=report_edition(year=Y), user=director)
    director_client.post(reverse("reporting:edition_reopen", args=[Y]))
    edition = ReportEdition.objects.get(year=Y)
    assert not edition.is_published and edition.frozen_figures is None
    with pytest.raises(ValidationError):
        edition_reopen(edition=edition, user=director)


def test_director_adds_a_focus_on_a_structure_of_the_year(director_client):
    structure = StructureFactory(name="Comité des jeunes")
    structure.steps.create(kind="accueil", date=dt.date(Y, 5, 1))
    response = director_client.post(
        reverse("reporting:focus_add", args=[Y]),
        {
            "section": "dla",
            "title": "L'accompagnement du comité",
            "speaker": "Le conseil d'administration",
            "text": "« Un accueil chaleureux ! »",
            "structure": structure.pk,
            "position": 0,
        },
    )
    assert response.status_code == 302
    focus = Focus.objects.get()
    assert focus.subject == structure
    page = director_client.get(reverse("reporting:report", args=[Y])).content.decode()
    assert "«\u202fUn accueil chaleureux\u202f!\u202f»" in page


def test_a_focus_on_two_subjects_is_refused(director_client):
    project = ProjectFactory(received_on=dt.date(Y, 2, 1))
    structure = StructureFactory()
    structure.steps.create(kind="accueil", date=dt.date(Y, 5, 1))
    response = director_client.post(
        reverse("reporting:focus_add", args=[Y]),
        {
            "section": "dla",
            "title": "Double",
            "text": "x",
            "project": project.pk,
            "structure": structure.pk,
            "position": 0,
        },
    )
    assert response.status_code == 200
    assert "pas plusieurs à la fois" in response.content.decode()
    assert not Focus.objects.exists()


def test_a_focus_cannot_point_to_a_record_of_another_year(director_client):
    old = ProjectFactory(received_on=dt.date(Y - 5, 2, 1))
    response = director_client.post(
        reverse("reporting:focus_add", args=[Y]),
        {"section": "creation", "title": "Ancien", "text": "x", "project": old.pk, "position": 0},
    )
    assert response.status_code == 200
    assert not Focus.objects.exists()


def test_markdown_is_sanitised():
    html = render_markdown("<script>alert(1)</script>[lien](javascript:alert(1)) **gras**")
    assert "<script" not in html and "javascript:" not in html
    assert "<strong>gras</strong>" in html


def test_markdown_keeps_only_the_attributes_its_footnotes_write():
    # A text must not draw over the page (Bootstrap's classes), take one of its ids, or link
    # somewhere on the site while looking like part of the report.
    html = render_markdown(
        '<div class="position-fixed top-0 w-100 h-100 footnote" id="main" style="z-index:9">'
        "voile</div>\n\n"
        '<a class="stretched-link footnote-ref" href="/admin/" id="contenu">lien</a> '
        '<sup id="navigation">1</sup> [ancre](#main) [site](https://pes21.fr)'
    )
    for forbidden in ("position-fixed", "w-100", "stretched-link", "style=", 'id="main"'):
        assert forbidden not in html
    assert 'id="contenu"' not in html and 'id="navigation"' not in html
    assert 'href="/admin/"' not in html and 'href="#main"' not in html
    assert 'href="https://pes21.fr"' in html


def test_footnotes_keep_their_ids_links_and_classes():
    html = render_markdown("Une coupe[^1].\n\n[^1]: Note.", anchor="edito")
    assert '<sup id="edito-fnref:1"><a class="footnote-ref" href="#edito-fn:1"' in html
    assert '<div class="footnote">' in html and '<li id="edito-fn:1">' in html
    assert 'class="footnote-backref" href="#edito-fnref:1"' in html


def test_each_text_gets_only_its_own_footnotes():
    # The converter is reused from text to text: a text's notes must not follow the next one.
    with_notes = render_markdown("Une coupe[^1].\n\n[^1]: Note de l'édito.", anchor="edito")
    without = render_markdown("Un texte sans note.", anchor="rapport_moral")
    assert "Note de l’édito" in with_notes
    assert "Note de l’édito" not in without and "footnote" not in without
    again = render_markdown("Une coupe[^1].\n\n[^1]: Autre note.", anchor="edito")
    assert again.count("<li") == 1 and "Autre note" in again


def test_french_typography_leaves_tags_and_urls_alone():
    html = french_typography('<a href="https://x.org/?a=1">Pourquoi ?</a> « oui »')
    assert 'href="https://x.org/?a=1"' in html
    assert "Pourquoi\u202f?" in html
    assert "«\u202foui\u202f»" in html


def test_unknown_years_have_no_report(staff_client):
    assert staff_client.get(reverse("reporting:report", args=[1990])).status_code == 404
    assert staff_client.get(reverse("reporting:report", args=[2999])).status_code == 404


def test_index_lists_the_years_with_their_edition_state(staff_client, director):
    edition_publish(edition=report_edition(year=Y), user=director)
    report_edition(year=Y + 1)
    page = staff_client.get(reverse("reporting:index")).content.decode()
    assert "Publié le" in page and "Brouillon" in page
    assert reverse("reporting:report_pdf", args=[Y]) in page
