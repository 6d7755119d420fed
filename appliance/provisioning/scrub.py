"""Blank secrets in the technician's ``kiosk.toml`` on the boot partition, keeping everything else.

The file stays the technician's: ``tomlkit`` edits the parsed document in place, so comments,
order, blank lines and every other value come back byte for byte; only the value of each secret
key becomes ``""`` with a note, whatever shape it was written in (a table, a dotted key, an inline
table, a multi-line string).
"""

from __future__ import annotations

import tomllib
from typing import Any

import tomlkit

SECRETS: dict[str, tuple[str, ...]] = {
    "provision": ("staff_pin", "gateway_client_secret"),
    "gateway": ("enrolment_code",),
    "wifi": ("psk",),
}
NOTE = "moved to the data partition by kiosk provision"


def secrets_present(text: str) -> list[str]:
    """Dotted names of the secret keys that hold a non-empty value in ``text``."""
    raw = tomllib.loads(text)
    return [
        f"{section}.{key}"
        for section, keys in SECRETS.items()
        for key in keys
        if isinstance(raw.get(section), dict) and raw[section].get(key)
    ]


def _blank(table: Any, key: str) -> None:
    """Replace the value with "", keeping the line's own comment and adding the note."""
    value = tomlkit.string("")
    if not isinstance(table, tomlkit.items.InlineTable):  # an inline table holds no comments
        own = table[key].trivia.comment.lstrip("#").strip()
        value.comment(f"{own} ({NOTE})" if own else NOTE)
    table[key] = value


def scrub(text: str) -> tuple[str, list[str]]:
    """(text with every secret blanked, dotted names blanked)."""
    doc = tomlkit.parse(text)
    blanked = secrets_present(text)
    for name in blanked:
        section, key = name.split(".")
        _blank(doc[section], key)
    return tomlkit.dumps(doc), blanked
