"""Write a KioskConfig back out as TOML (the installed ``kiosk.toml``), with ``tomlkit``.

``tomllib`` only reads. tomlkit writes every value the schema holds with TOML's own quoting, and
the same library edits the technician's file in place (``scrub``) keeping its comments; the result
is checked by parsing it back with the real loader.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import tomlkit
from tomlkit.items import Table

from appliance.config import KioskConfig


def comment_lines(doc: tomlkit.TOMLDocument, text: str) -> None:
    """Add ``text`` as ``#`` comment lines at the end of ``doc``."""
    for line in text.splitlines():
        doc.add(tomlkit.comment(line) if line else tomlkit.comment(""))


def _section(values: object) -> Table:
    table = tomlkit.table()
    for f in dataclasses.fields(values):  # type: ignore[arg-type]
        value = getattr(values, f.name)
        table.add(f.name, dict(value) if isinstance(value, dict) else value)
    return table


def render(config: KioskConfig, *, omit: Iterable[str] = (), header: str = "") -> str:
    """TOML text for every section of ``config`` except those named in ``omit``."""
    skipped = set(omit) | {"source"}
    doc = tomlkit.document()
    comment_lines(doc, header)
    for section in dataclasses.fields(config):
        if section.name not in skipped:
            doc.add(tomlkit.nl())
            doc.add(section.name, _section(getattr(config, section.name)))
    return tomlkit.dumps(doc).lstrip("\n")
