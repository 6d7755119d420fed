"""Package boundaries of DESIGN §3, checked on the source: who may import whom."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# package (path prefix) → module prefixes it must never import, at any depth of the file.
FORBIDDEN = {
    "appliance/domain": (
        "kivy",
        "hw",
        "sync",
        "appliance.store",
        "appliance.ui",
        "requests",
        "picamera2",
        "gpiozero",
        "escpos",
        "zxingcpp",
        "pyzbar",
        "socket",
    ),
    "hw": ("appliance", "sync"),
    "kioskbase": ("appliance", "hw", "sync", "kivy", "PIL"),
    "sync": ("appliance.ui", "hw", "kivy"),
    "appliance/store": ("kivy", "hw", "sync", "appliance.ui", "requests"),
    "appliance/crypto.py": ("kivy", "hw", "sync", "appliance.ui", "requests"),
    "appliance/config.py": ("kivy", "hw", "sync", "appliance.ui", "requests"),
    "appliance/submission.py": ("kivy", "hw", "sync", "appliance.ui", "requests"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _files(prefix: str) -> list[Path]:
    target = REPO / prefix
    return [target] if target.suffix == ".py" else sorted(target.rglob("*.py"))


@pytest.mark.parametrize("prefix", sorted(FORBIDDEN))
def test_package_imports_stay_inside_their_boundary(prefix):
    files = _files(prefix)
    assert files, f"{prefix} has no Python files"
    offences = []
    for path in files:
        for module in _imports(path):
            for banned in FORBIDDEN[prefix]:
                if module == banned or module.startswith(banned + "."):
                    offences.append(f"{path.relative_to(REPO)} imports {module}")
    assert offences == []
