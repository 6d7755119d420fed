"""The type checker (`make lint`) covers all of the code: a new package or folder of Python files
must be added to mypy's configuration, else it would go unchecked without anyone noticing."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _strict_modules(mypy: dict) -> list[str]:
    strict = [o for o in mypy["overrides"] if o.get("disallow_untyped_defs") is True]
    assert len(strict) == 1, "one strict override section"
    return strict[0]["module"]


def test_every_folder_with_python_files_is_checked():
    checked = set(_pyproject()["tool"]["mypy"]["files"])
    tracked = subprocess.run(["git", "ls-files", "*.py"], cwd=REPO, capture_output=True,
                             text=True, check=True).stdout.split()
    folders = {Path(name).parts[0] for name in tracked if len(Path(name).parts) > 1}
    assert folders, "git lists the Python files"
    assert folders - checked == set(), "add these folders to [tool.mypy] files"


def test_every_shipped_package_is_strict():
    config = _pyproject()
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    shipped = {pattern.rstrip("*") for pattern in include}
    strict = set(_strict_modules(config["tool"]["mypy"]))
    assert {f"{package}.*" for package in shipped} - strict == set()


def test_only_the_ui_is_exempt_from_strict():
    mypy = _pyproject()["tool"]["mypy"]
    loose = [o for o in mypy["overrides"] if o.get("disallow_untyped_defs") is False]
    assert [o["module"] for o in loose] == [["appliance.ui.*"]]
    for name in ("kivy", "escpos", "gpiozero", "picamera2", "pyzbar"):
        ignored = [o for o in mypy["overrides"] if o.get("ignore_missing_imports")]
        assert any(f"{name}.*" in o["module"] for o in ignored), name
    assert not mypy.get("ignore_missing_imports"), "no blanket ignore of missing imports"
