"""appliance.domain stays pure: no Kivy, hardware, network, store or UI imports (DESIGN §3).

Checked twice: statically (no import statement in the package's source names a forbidden module,
standard-library networking included) and dynamically (importing every domain module and rendering
a slip in a fresh interpreter loads no forbidden third-party or project module and opens no socket;
the standard library's own ``socket`` may be loaded indirectly, e.g. by ``xml.sax.saxutils``
which segno uses, so the dynamic check watches socket creation with an audit hook instead).
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import appliance.domain

FORBIDDEN_LOADED = (
    "kivy",
    "picamera2",
    "libcamera",
    "gpiozero",
    "lgpio",
    "escpos",
    "usb",
    "serial",
    "zxingcpp",
    "pyzbar",
    "cv2",
    "requests",
    "urllib3",
    "nacl",
    "sqlite_utils",
    "appliance.store",
    "appliance.ui",
    "hw",
    "sync",
)
FORBIDDEN = (*FORBIDDEN_LOADED, "socket", "ssl", "http", "urllib.request", "sqlite3")
DOMAIN_DIR = Path(appliance.domain.__file__).parent


def _forbidden(name: str, forbidden: tuple[str, ...] = FORBIDDEN) -> bool:
    return any(name == f or name.startswith(f + ".") for f in forbidden)


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_no_forbidden_import_statements():
    sources = sorted(DOMAIN_DIR.rglob("*.py"))
    assert len(sources) >= 8
    offenders = {
        f"{p.relative_to(DOMAIN_DIR)}: {name}"
        for p in sources
        for name in _imports(p)
        if _forbidden(name)
    }
    assert not offenders


def test_the_checker_catches_an_offender(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import socket\nfrom kivy.app import App\nimport requests.adapters\n")
    assert [n for n in _imports(bad) if _forbidden(n)] == [
        "socket",
        "kivy.app",
        "requests.adapters",
    ]


def test_importing_and_using_the_domain_loads_nothing_forbidden():
    modules = [m.name for m in pkgutil.iter_modules(appliance.domain.__path__, "appliance.domain.")]
    script = (
        "import importlib, json, sys\n"
        "sockets = []\n"
        "def hook(ev, args):\n"
        "    if ev.startswith('socket.'): sockets.append(ev)\n"
        "sys.addaudithook(hook)\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "from appliance.config import KioskConfig\n"
        "from appliance.domain.slip import sample_slip, render_slip\n"
        "render_slip(sample_slip(KioskConfig()), 384)\n"
        "print(json.dumps([sorted(sys.modules), sockets]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    loaded, socket_events = json.loads(out.stdout.strip().splitlines()[-1])
    assert "appliance.domain.slip" in loaded
    assert [m for m in loaded if _forbidden(m, FORBIDDEN_LOADED)] == []
    assert socket_events == []
