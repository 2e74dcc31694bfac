import datetime as dt
from decimal import Decimal

from django.test import RequestFactory

from accompaniment.models import Project
from pes21.exports import csv_export
from pes21.listing import apply_sort


def test_csv_export_opens_cleanly_in_a_french_spreadsheet():
    filename, content_type, content = csv_export(
        "projets.csv",
        ["Nom", "Date", "Heures", "Animé"],
        [["Café ; associatif", dt.date(2023, 1, 31), Decimal("12.50"), True]],
    )
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert content_type.startswith("text/csv")
    lines = text.lstrip("\ufeff").splitlines()
    # Text quoted (what a person typed stays in its cell), values as a spreadsheet reads them.
    assert lines[0] == '"Nom";"Date";"Heures";"Animé"'
    assert lines[1] == '"Café ; associatif";31/01/2023;12,5;oui'


def test_apply_sort_uses_known_columns_only(db):
    request = RequestFactory().get("/", {"tri": "-nom"})
    queryset, current = apply_sort(request, Project.objects.all(), {"nom": "name"}, "nom")
    assert current == "-nom"
    assert queryset.query.order_by == ("-name", "-pk")
    request = RequestFactory().get("/", {"tri": "password"})
    queryset, current = apply_sort(request, Project.objects.all(), {"nom": "name"}, "nom")
    assert current == "nom"
    assert queryset.query.order_by == ("name", "pk")
