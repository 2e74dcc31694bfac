"""`make bench` measures what it says: every main page answers, with its query count."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from devtools import benchmark
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
    from devtools.report_bench import report_build_lines

    lines = report_build_lines()
    assert lines[0].startswith("Rapport d'activité")
    assert [line.split()[0] for line in lines[1:]] == ["JSON", "PDF"]
