"""The sortable column header: `aria-sort` on the header cell of the sorted column only (an
`aria-sort` on a link is invalid ARIA, axe rule aria-allowed-attr)."""

from django.template import Context, Template
from django.test import RequestFactory

HEADERS = Template(
    '{% load pes21_tags %}{% sort_header "Nom" "nom" %}'
    '{% sort_header "Commune" "commune" css="x" %}'
)


def _render(query: str, sort: str) -> str:
    request = RequestFactory().get("/liste/" + query)
    return HEADERS.render(Context({"request": request, "sort": sort}))


def test_the_sorted_column_header_carries_aria_sort_and_the_others_none():
    html = _render("?tri=nom&statut=actif", "nom")
    assert '<th scope="col" aria-sort="ascending"><a href="?tri=-nom&amp;statut=actif">Nom' in html
    commune = '<th scope="col" class="x"><a href="?tri=commune&amp;statut=actif">Commune</a></th>'
    assert commune in html
    assert html.count("aria-sort") == 1


def test_a_descending_sort_is_announced_and_its_arrow_hidden_from_screen_readers():
    html = _render("?tri=-nom", "-nom")
    assert '<th scope="col" aria-sort="descending"><a href="?tri=nom">Nom' in html
    assert '<span aria-hidden="true">▼</span>' in html
    assert "<a aria-sort" not in html and 'a href="?tri=nom" aria-sort' not in html
