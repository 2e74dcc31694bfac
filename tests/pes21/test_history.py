import datetime as dt

from django.test import RequestFactory

from pes21 import panels
from pes21.history import history_of
from tests import factories


def test_history_lists_who_changed_which_field(staff):
    structure = factories.StructureFactory(
        name="Ressourcerie", employees=4, legal_form="association"
    )
    structure.history.update(history_user=staff)
    structure.employees = 6
    structure.legal_form = "scic"
    structure._history_user = staff
    structure.save()
    entries = history_of(structure)
    assert [e.action for e in entries] == ["Modification", "Création"]
    changes = {c.label: (c.old, c.new) for c in entries[0].changes}
    assert changes == {"salarié·es": ("4", "6"), "forme juridique": ("Association", "SCIC")}
    assert entries[0].who == str(staff)


def test_history_panel_renders_in_french(staff):
    structure = factories.StructureFactory(created_on=dt.date(2020, 1, 1))
    structure.created_on = dt.date(2021, 2, 3)
    structure.save()
    request = RequestFactory().get("/")
    request.user = staff
    html = str(panels.history(request, structure))
    assert "Historique des modifications" in html
    assert "01/01/2020 → 03/02/2021" in html
