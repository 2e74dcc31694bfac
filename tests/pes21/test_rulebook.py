"""docs/rules.md is the rulebook a newcomer reads: every rule it lists names a test that
exists, and every home it names in code exists. Renaming a test or a function without the
rulebook fails here."""

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RULEBOOK = ROOT / "docs" / "rules.md"
APPS = (
    "accompaniment",
    "dla",
    "exchange",
    "followups",
    "generateur",
    "pes21",
    "privacy",
    "public",
    "volunteers",
)


def _rules() -> list[list[str]]:
    """The rows of the rulebook's tables (rule, home, doors, test), headers left out."""
    rows = []
    for line in RULEBOOK.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| ") or line.startswith("| rule ") or set(line) <= {"|", "-", " "}:
            continue
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


def _parity_names() -> list[str]:
    from tests.exchange.test_parity import CASES

    return [case.name for case in CASES]


def _tests_named(cell: str) -> list[tuple[str, str | None]]:
    """(file, function) of each test a cell names: `tests/x.py::test_a`, `test_b`; ..."""
    named = []
    for part in cell.split(";"):
        file = None
        for token in re.findall(r"`([^`]+)`", part):
            if token.startswith("tests/"):
                file, _, function = token.partition("::")
                named.append((file, function or None))
            elif file and token.startswith("test_"):
                named.append((file, token))
    return named


def test_the_rulebook_lists_the_rules_with_their_four_columns():
    rows = _rules()
    assert len(rows) > 50
    assert all(len(row) == 4 for row in rows), [row for row in rows if len(row) != 4]


@pytest.mark.parametrize("row", _rules(), ids=lambda row: row[0][:60])
def test_every_rule_names_a_test_that_exists(row):
    cell = row[3]
    tests = _tests_named(cell)
    parity = re.findall(r"« ([^»]+) »", cell)
    assert tests or parity, f"aucun test pour : {row[0]}"
    for file, function in tests:
        path = ROOT / file
        assert path.exists(), file
        if function:
            assert re.search(rf"^def {function}\(", path.read_text(), re.M), (file, function)
    names = _parity_names()
    for case in parity:
        if case.endswith("…"):
            assert any(name.startswith(case.rstrip("…")) for name in names), case
        else:
            assert case in names, case


@pytest.mark.parametrize("row", _rules(), ids=lambda row: row[0][:60])
def test_every_home_named_in_code_exists(row):
    for token in re.findall(r"`([\w.]+)`", row[1] + " " + row[3]):
        if not token.startswith(tuple(f"{app}." for app in APPS)):
            continue
        parts = token.split(".")
        for split in range(len(parts), 0, -1):
            try:
                found = importlib.import_module(".".join(parts[:split]))
            except ModuleNotFoundError:
                continue
            for name in parts[split:]:
                assert hasattr(found, name), token
                found = getattr(found, name)
            break
        else:
            pytest.fail(f"introuvable : {token}")
