"""One way per page type (README's « Organisation du code »): every list page is a
`ListDescription` served by `pes21.listing.list_page`, every edit view answers through
`pes21.concurrency.save_response`. These tests read the views' source, so that a new view
written the old way fails here rather than in review."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VIEWS = sorted(
    path
    for path in ROOT.glob("*/views.py")
    if path.parent.name not in {"pes21", "config", "devtools"}
)
# What only the list helper calls: a view calling it writes a list page by hand.
LIST_INTERNALS = {"apply_sort", "search_redirect", "filter_data", "csv_export"}


def _functions(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node for node in tree.body if isinstance(node, ast.FunctionDef)]


def _called(function: ast.FunctionDef) -> set[str]:
    names = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            target = node.func
            if isinstance(target, ast.Attribute):
                names.add(target.attr)
            elif isinstance(target, ast.Name):
                names.add(target.id)
    return names


def _filtersets_built(function: ast.FunctionDef) -> list[str]:
    """FilterSet classes the function instantiates (the project names them `…Filter`)."""
    return sorted(name for name in _called(function) if name.endswith("Filter"))


def test_there_are_views_to_read():
    assert {path.parent.name for path in VIEWS} >= {"accompaniment", "dla", "generateur"}


@pytest.mark.parametrize("path", VIEWS, ids=lambda path: path.parent.name)
def test_no_view_builds_a_list_by_hand(path):
    by_hand = {
        function.name: sorted(_called(function) & LIST_INTERNALS) + _filtersets_built(function)
        for function in _functions(path)
    }
    assert {name: calls for name, calls in by_hand.items() if calls} == {}


@pytest.mark.parametrize("path", VIEWS, ids=lambda path: path.parent.name)
def test_no_view_repeats_the_edit_steps(path):
    """A view that puts a service's refusal on its form and also says « saved » is writing
    save_response again."""
    repeated = [
        function.name
        for function in _functions(path)
        if {"refuse_on_form", "success"} <= _called(function)
    ]
    assert repeated == []
