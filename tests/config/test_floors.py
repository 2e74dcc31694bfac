"""The floors of README's « Organisation du code », as pyproject.toml's import-linter contract
states them: an import runs only downward. The contract covers Python imports; these tests keep
it whole (no package outside it) and extend it to what Python does not see: a template of a
lower app never includes, extends or loads the tags of a higher app's."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
(CONTRACT,) = CONFIG["contracts"]
# Floor of each package, 0 the top; apps of one floor share it.
FLOOR = {
    package.strip(): floor
    for floor, layer in enumerate(CONTRACT["layers"])
    for package in layer.split("|")
}
CORE = "pes21"
TAG = re.compile(r"""{%\s*(include|extends)\s+["']([\w-]+)/""")
LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")


def _packages() -> set[str]:
    return {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "scripts"}
    }


def test_every_package_of_the_repository_has_its_floor():
    assert _packages() == set(CONFIG["root_packages"]) == set(FLOOR)


def test_every_app_of_the_project_is_a_package_on_a_floor():
    local = {app.split(".")[0] for app in settings.INSTALLED_APPS} & _packages()
    assert local == set(FLOOR) - {"config"}


def test_the_floors_contract_holds():
    # The same check as `make lint`, so that a run of the suite alone catches an upward import.
    result = subprocess.run(
        [Path(sys.executable).parent / "lint-imports", "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:]


def _tag_libraries() -> dict[str, str]:
    return {
        path.stem: path.parent.parent.name
        for path in ROOT.glob("*/templatetags/*.py")
        if path.stem != "__init__"
    }


def _may_use(user: str, used: str) -> bool:
    """A template of `user` may use what its own app or an app of a lower floor owns."""
    return used == user or FLOOR[used] > FLOOR[user]


def test_no_template_reaches_up_a_floor():
    libraries = _tag_libraries()
    wrong = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.is_dir():
            continue
        folder = path.relative_to(ROOT / "templates").parts[0]
        owner = folder if folder in FLOOR else CORE
        text = path.read_text()
        for _, name in TAG.findall(text):
            used = name if name in FLOOR else CORE
            if not _may_use(owner, used):
                wrong.append(f"{path.relative_to(ROOT)} uses {name}/")
        for loaded in LOAD.findall(text):
            for library in loaded.split():
                used = libraries.get(library)
                if used and not _may_use(owner, used):
                    wrong.append(f"{path.relative_to(ROOT)} loads {library}")
    assert wrong == []
