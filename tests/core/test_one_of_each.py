"""Issue 12's "one of each", checked on the source: one font look-up, one PDF writer."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
KIOSK = ("appliance", "hw", "sync", "kioskbase")
"""What runs on or for the kiosk (bench/ and image-build/ write their test configs as a technician
would, by hand)."""
SOURCES = (*KIOSK, "bench", "image-build")


def _python_files() -> list[Path]:
    return [p for top in SOURCES for p in sorted((REPO / top).rglob("*.py"))
            if "work" not in p.relative_to(REPO).parts]


def _strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
            and isinstance(n.value, str)]


def test_fonts_are_looked_up_in_one_place():
    offences = [
        str(path.relative_to(REPO))
        for path in _python_files()
        if path != REPO / "kioskbase" / "fonts.py"
        and any("/usr/share/fonts" in s or s == "fonts" for s in _strings(path))
    ]
    assert offences == []


def test_toml_is_written_with_tomlkit_not_by_hand():
    """No source builds a TOML table header in a string: configs are written with tomlkit."""
    header = re.compile(r"(^|\n)\[[a-z_.]+\]\n")
    kiosk = [p for p in _python_files() if p.relative_to(REPO).parts[0] in KIOSK]
    offences = [f"{path.relative_to(REPO)}: {s[:40]!r}" for path in kiosk
                for s in _strings(path) if header.search(s)]
    assert offences == []


def test_pdfs_are_written_by_hw_pdf_only():
    """Pillow's PDF plug-in (``save(..., "PDF")``) is not used anywhere: hw.pdf writes PDFs."""
    offences = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "save"
                    and any(isinstance(a, ast.Constant) and a.value == "PDF" for a in node.args)):
                offences.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert offences == []


def test_waiting_dossiers_are_named_once_by_pending_states():
    """queued+sending is ``PENDING_STATES`` everywhere, never spelt out again (a list of every
    state, such as the staff screen's, is not the pending pair)."""
    offences = []
    for path in _python_files():
        if path == REPO / "appliance" / "domain" / "dossier.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Tuple | ast.Set | ast.List):
                values = {getattr(e, "value", None) for e in node.elts}
                names = {getattr(e, "attr", None) for e in node.elts}
                if values == {"queued", "sending"} or names == {"QUEUED", "SENDING"}:
                    offences.append(f"{path.relative_to(REPO)}:{node.lineno}")
            elif isinstance(node, ast.BinOp) and "'queued', 'sending'" in ast.unparse(node):
                offences.append(f"{path.relative_to(REPO)}:{node.lineno}")
        offences += [f"{path.relative_to(REPO)}: SQL" for s in _strings(path)
                     if "('queued', 'sending')" in s]
    assert offences == []
