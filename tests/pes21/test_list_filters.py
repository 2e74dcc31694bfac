import re

import pytest
from django.urls import reverse

LISTS = [
    "accompaniment:project_list",
    "accompaniment:holder_list",
    "accompaniment:action_list",
    "dla:structure_list",
    "dla:provider_list",
    "generateur:territory_list",
    "generateur:project_list",
    "volunteers:volunteer_list",
    "volunteers:case_list",
]


def _panel_classes(html: str) -> set[str]:
    return set(re.search(r'<div class="([^"]*)" id="list-filters">', html).group(1).split())


@pytest.mark.parametrize("name", LISTS)
def test_every_list_folds_its_filters_behind_one_button_on_phones(staff_client, name):
    html = staff_client.get(reverse(name)).content.decode()
    toggle = re.search(
        r'<button class="([^"]*)"[^>]*data-bs-target="#list-filters"[^>]*>(.*?)</button>',
        html,
        re.S,
    )
    assert "d-md-none" in toggle.group(1)  # the button exists on phones only
    assert 'aria-controls="list-filters"' in toggle.group(0) and "Filtres" in toggle.group(2)
    # Folded on phones, always open from md up; the filter form comes right after.
    assert {"collapse", "d-md-block"} <= _panel_classes(html) - {"show"}
    assert "show" not in _panel_classes(html)
    after = html[html.index('id="list-filters"') :]
    assert after.index('aria-label="Filtres"') < after.index("</form>")


def test_an_invalid_filter_opens_the_folded_filters(staff_client):
    response = staff_client.get(reverse("dla:structure_list"), {"year": "abc"})
    assert "show" in _panel_classes(response.content.decode())


@pytest.mark.parametrize(
    "name",
    ["dla:structure_list", "dla:provider_list", "dla:collective_list", "dla:structure_create"],
)
def test_dla_pages_use_the_buttons_of_the_other_apps(staff_client, name):
    html = staff_client.get(reverse(name)).content.decode()
    main = html[html.index("<main") :]
    assert "btn-primary" not in main and "btn-pes" in main
