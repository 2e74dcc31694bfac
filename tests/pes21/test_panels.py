from django.test import RequestFactory

from pes21 import panels


def test_a_slot_shows_its_panels_in_order_and_skips_the_ones_with_nothing_to_show(
    staff, monkeypatch
):
    monkeypatch.setattr(panels, "_slots", {})
    request = RequestFactory().get("/")
    request.user = staff

    @panels.register("tests.slot", template="pes21/_history.html", order=20)
    def second(request, target):
        return {"entries": []}

    @panels.register("tests.slot", template="pes21/_attachments.html", order=10)
    def nothing(request, target):
        return None

    @panels.register("tests.slot", template="pes21/_history.html", order=5)
    def first(request, target):
        return {"entries": [], "marker": target}

    shown = panels.shown("tests.slot", request, target="cible")
    assert [panel.context.get("marker") for panel in shown] == ["cible", None]
    assert "Historique des modifications" in str(shown[1])


def test_a_panel_is_registered_once_however_often_its_module_registers_it(monkeypatch):
    monkeypatch.setattr(panels, "_slots", {})

    def provider(request, target):
        return {}

    panels.register("tests.once", template="pes21/_history.html", order=1)(provider)
    panels.register("tests.once", template="pes21/_history.html", order=1)(provider)
    assert len(panels._slots["tests.once"]) == 1


def test_the_project_page_shows_the_panels_of_the_apps_above_it(staff_client, staff):
    from tests import factories

    project = factories.ProjectFactory()
    page = staff_client.get(project.get_absolute_url()).content.decode()
    # Volunteers' cases and the public doors' questionnaire (follow-ups: created projects only).
    assert "Co-accompagnement bénévole" in page
    assert "Questionnaire de fin d'accompagnement" in page
