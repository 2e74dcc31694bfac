"""`make bench` measures what it says: every main page answers, with its query count."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from pes21 import benchmark
from pes21.models import User


@pytest.mark.django_db
def test_every_benchmarked_page_answers_and_is_measured(capsys):
    call_command("seed_demo")
    capsys.readouterr()
    User.objects.create(username="bench-admin", is_superuser=True, is_staff=True)
    clients = {}
    for username in ("direction", "bench-admin", "benevole"):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    lines: list[str] = []
    pages = benchmark.pages()
    benchmark.run_pages(
        clients["direction"],
        clients["bench-admin"],
        pages,
        1,
        lines.append,
        volunteer_client=clients["benevole"],
    )
    measured, largest = lines[2:-1], lines[-1]
    assert len(measured) == len(pages)
    for page, line in zip(pages, measured, strict=True):
        assert line.startswith(page.label)
        # Neither missing (a renamed URL) nor an error page; and its SQL queries were counted.
        assert "absente" not in line and "HTTP" not in line, line
        queries, kb = map(int, re.search(r"ms\s+(\d+)\s+(\d+)\s", line[44:]).groups())
        assert queries > 0 and kb > 0, line
    sizes = {line[:44].strip(): int(line[44:].split()[3]) for line in measured}
    label, kb = re.fullmatch(r"Page la plus lourde : (.+), (\d+) Ko de HTML", largest).groups()
    assert sizes[label] == int(kb) == max(sizes.values())


@pytest.mark.django_db
def test_report_build_figures_name_both_formats():
    call_command("seed_demo")
    from reporting.bench import report_build_lines

    lines = report_build_lines()
    assert lines[0].startswith("Rapport d'activité")
    assert [line.split()[0] for line in lines[1:]] == ["JSON", "PDF", "dont"]
    assert "mise en page" in lines[3]


def _goals() -> benchmark.Goals:
    goals = benchmark.Goals()
    floor = benchmark.Timing(median_ms=5.0, p95_ms=6.0, queries=3, status=200)
    lists = (("Projets (liste)", 18.0), ("Porteurs (liste)", 25.0), ("Actions (liste)", 20.1))
    for label, median_ms in lists:
        page = benchmark.Page(label, "accompaniment:project_list", target=benchmark.LIST)
        goals.page(page, benchmark.Timing(median_ms, median_ms, 7, 200), floor)
    report = benchmark.PageTarget(ms=250, ratio=50)
    goals.page(
        benchmark.Page("Rapport d'activité (page)", "reporting:report", target=report),
        benchmark.Timing(300.0, 320.0, 38, 200),
        floor,
    )
    goals.import_row(
        "Import ×4 dans un SQLite vide",
        61_756,
        5.0,
        150.0,
        min_rows_per_second=10_000,
        max_mb=200,
    )
    goals.import_row("Import ×50", 772_509, 120.0, 300.0, max_seconds=90, max_mb=400)
    return goals


def test_the_goals_say_which_targets_are_met_and_by_how_much_the_others_are_missed():
    lines = _goals().lines(50)
    rows = {line.split("  ")[1].strip(): line for line in lines[2:-1]}
    assert rows["Projets (liste)"].endswith("atteint")  # 3.6 × the floor
    assert "≤ 4 × plancher" in rows["Projets (liste)"]
    assert rows["Porteurs (liste)"].endswith("MANQUÉ de 25 %")  # 5 × instead of 4 ×
    assert rows["Actions (liste)"].endswith("MANQUÉ de 0,5 %")  # 4.02 ×: missed, and said so
    # 300 ms for 250 is 20 % over; 60 × the floor for 50 is 20 % over too.
    assert rows["Rapport d'activité (page)"].endswith("MANQUÉ de 20 %")
    sqlite = rows["Import ×4 dans un SQLite vide (61\u202f756 lignes)"]
    assert sqlite.endswith("atteint") and "12\u202f351 lignes/s" in sqlite
    assert rows["Import ×50 (772\u202f509 lignes)"].endswith("MANQUÉ de 33 %")  # 120 s for 90
    assert lines[-1] == "  4 objectif(s) manqué(s) sur 6."


def test_every_row_of_the_issue_s_table_has_a_target():
    targets = {page.label: page.target for page in benchmark.pages() if page.target}
    lists = [label for label in targets if label.endswith("(liste)")]
    assert len(lists) == 9
    others = ("Suivis DLA à faire", "Dossiers de co-accompagnement", "Bilan DLA de l'année")
    for label in (*lists, *others, "Rapport : focus (nouveau)"):
        assert targets[label] == benchmark.LIST
    assert targets["Tableau de bord"] == benchmark.PageTarget(ms=100, ratio=20)
    assert targets["Rapport d'activité (page)"] == benchmark.PageTarget(ms=250, ratio=50)
