"""The layer rule of docs/architecture.md, checked on every import of every module (an AST scan).

UI / commands / sync daemon → application (``appliance/app``) → domain, core (store, config,
crypto, manifest …), hw, gateway client; ``kioskbase/`` (the bilingual error, the font look-up) is
below all of them. Every ``.py`` file under ``appliance/``, ``hw/``, ``sync/`` and ``kioskbase/``
belongs to exactly one layer below; a new file that fits none fails the test, so the
rule cannot be skipped by adding a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIRST_PARTY = ("appliance", "hw", "sync", "kioskbase")

# layer → path prefixes (first match wins, most specific first)
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("domain", ("appliance/domain/",)),
    ("app", ("appliance/app/",)),
    ("ui", ("appliance/ui/",)),
    ("update", ("appliance/update/",)),  # field updates: pure decisions, no disk, net or clock
    ("commands", ("appliance/commands/", "appliance/cli.py")),
    ("core", ("appliance/",)),  # store, config, crypto, manifest, clock, provisioning …
    ("emrtd", ("hw/emrtd/",)),  # the chip protocol stands alone: no other seam, no reader library
    ("hw", ("hw/",)),
    ("portal_sim", ("sync/portal_sim/",)),
    ("gateway", ("sync/client.py", "sync/errors.py", "sync/transport.py", "sync/safejson.py")),
    ("daemon", ("sync/",)),  # the sync daemon, its command, its helpers
    ("base", ("kioskbase/",)),  # the bilingual error and the font look-up, below everything
]

# layer → first-party layers it may import (its own layer and ``base`` always allowed)
MAY_IMPORT: dict[str, set[str]] = {
    "base": set(),
    "domain": set(),
    "update": set(),
    "core": {"domain", "update"},
    "emrtd": set(),
    "hw": {"emrtd"},
    "gateway": set(),
    "app": {"domain", "core", "hw", "emrtd", "gateway", "update"},
    "ui": {"app", "domain", "core"},
    "commands": {"app", "domain", "core", "update"},
    # The delivery loop is the sync process's own use case: it alone uses the gateway's
    # authenticated endpoints; the health rule it shares with ``kiosk doctor`` is in app.gateway.
    "daemon": {"app", "domain", "core", "gateway", "update"},
    "portal_sim": {"domain", "core"},
}

# layer → third-party or stdlib modules it must never import
NEVER: dict[str, tuple[str, ...]] = {
    "base": ("kivy", "PIL"),
    "domain": ("kivy", "requests", "picamera2", "gpiozero", "escpos", "zxingcpp", "pyzbar",
               "socket", "sqlite3", "sqlite_utils"),
    "update": ("kivy", "requests", "socket", "sqlite3", "sqlite_utils", "subprocess", "os",
               "pathlib", "time", "random"),
    "core": ("kivy", "requests"),
    "hw": ("kivy",),
    "emrtd": ("kivy", "sqlite3", "sqlite_utils", "smartcard"),
    "gateway": ("kivy",),
    "app": ("kivy", "threading", "concurrent"),
    "commands": ("kivy",),
    "daemon": ("kivy",),
    "portal_sim": ("kivy",),
}


def layer_of(rel: str) -> str:
    for layer, prefixes in LAYERS:
        if any(rel == p or (p.endswith("/") and rel.startswith(p)) for p in prefixes):
            return layer
    raise LookupError(f"{rel} is in no layer of tests/core/test_boundaries.py")


def _module_layer(module: str) -> str | None:
    """The layer of a first-party module name (None: third-party, stdlib or a bare top package).

    ``a.b.c`` is the longest prefix that is a file or package (``from a.b import c`` names a
    function ``c`` as often as a module)."""
    parts = module.split(".")
    if parts[0] not in FIRST_PARTY or (len(parts) == 1 and parts[0] in ("appliance", "sync")):
        return None
    for end in range(len(parts), 0, -1):
        path = "/".join(parts[:end])
        for candidate in (f"{path}.py", f"{path}/__init__.py"):
            if (REPO / candidate).exists():
                return layer_of(candidate)
    return None


def imported_modules(rel: str, source: str) -> set[str]:
    """Every module a file imports, absolute, including ``from pkg import module`` names."""
    package = rel.removesuffix(".py").replace("/", ".").rsplit(".", 1)[0]
    if rel.endswith("__init__.py"):
        package = rel.removesuffix("/__init__.py").replace("/", ".")
    found: set[str] = set()
    for node in ast.walk(ast.parse(source, filename=rel)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def violations(rel: str, source: str) -> list[str]:
    """Every import in ``source`` (the text of file ``rel``) that breaks the layer rule."""
    layer = layer_of(rel)
    allowed = MAY_IMPORT[layer] | {layer, "base"}
    out = []
    for module in sorted(imported_modules(rel, source)):
        target = _module_layer(module)
        if target is not None and target not in allowed:
            out.append(f"{rel} ({layer}) imports {module} ({target})")
        for banned in NEVER.get(layer, ()):
            if module == banned or module.startswith(banned + "."):
                out.append(f"{rel} ({layer}) imports {module}")
    return out


def _sources() -> list[Path]:
    return sorted(p for top in FIRST_PARTY for p in (REPO / top).rglob("*.py"))


def test_every_module_is_in_a_layer() -> None:
    unplaced = []
    for path in _sources():
        try:
            layer_of(path.relative_to(REPO).as_posix())
        except LookupError as exc:
            unplaced.append(str(exc))
    assert unplaced == []


@pytest.mark.parametrize("layer", sorted(MAY_IMPORT))
def test_imports_follow_the_layer_rule(layer: str) -> None:
    files = [p for p in _sources() if layer_of(p.relative_to(REPO).as_posix()) == layer]
    assert files, f"layer {layer} has no files"
    offences = []
    for path in files:
        rel = path.relative_to(REPO).as_posix()
        offences += violations(rel, path.read_text(encoding="utf-8"))
    assert offences == []


# --- the test of the test: the checker catches what the rule forbids ------------------------------


@pytest.mark.parametrize(
    ("rel", "line"),
    [
        ("appliance/commands/status.py", "from hw import status as hw_status"),
        ("appliance/commands/status.py", "from hw.factory import open_devices"),
        ("sync/daemon.py", "from appliance.ui import services"),
        ("sync/daemon.py", "import appliance.ui.services"),
        ("appliance/ui/services.py", "from appliance import commands"),
        ("appliance/app/devices.py", "import threading"),
        ("appliance/app/slips.py", "from appliance.ui.strings import GENERIC_ERROR"),
        ("appliance/store/store.py", "from appliance.app import runtime"),
        ("appliance/domain/slip.py", "from ..store import Store"),
        ("hw/factory.py", "from appliance.config import KioskConfig"),
        ("kioskbase/errors.py", "from appliance.domain import codes"),
        ("appliance/update/plan.py", "import subprocess"),
        ("appliance/update/slots.py", "from appliance.store import Store"),
    ],
)
def test_an_added_forbidden_import_is_caught(rel: str, line: str) -> None:
    original = (REPO / rel).read_text(encoding="utf-8")
    assert violations(rel, original) == []
    offences = violations(rel, original + f"\n{line}\n")
    assert offences, f"{line!r} in {rel} was not caught"


def test_an_allowed_import_is_not_flagged() -> None:
    source = (REPO / "appliance/commands/status.py").read_text(encoding="utf-8")
    assert violations("appliance/commands/status.py",
                      source + "\nfrom appliance.app import devices\n") == []
