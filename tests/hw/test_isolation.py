"""hw/ stands alone: no appliance/sync imports, no hardware library loaded until a backend asks."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import hw

HW_ROOT = Path(hw.__file__).parent
FORBIDDEN = ("appliance", "sync")
HARDWARE_LIBS = ("picamera2", "libcamera", "usb", "serial", "cups", "lgpio", "RPi", "pigpio",
                 "sane")


def imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_hw_imports_nothing_of_appliance_or_sync():
    offenders = {
        str(path.relative_to(HW_ROOT)): name
        for path in HW_ROOT.rglob("*.py")
        for name in imported_names(path)
        if name.split(".")[0] in FORBIDDEN
    }
    assert offenders == {}


def test_importing_every_hw_module_loads_no_hardware_library():
    modules = sorted(
        "hw." + ".".join(p.relative_to(HW_ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in HW_ROOT.rglob("*.py")
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m.removesuffix('.__init__'))\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HARDWARE_LIBS + FORBIDDEN!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
