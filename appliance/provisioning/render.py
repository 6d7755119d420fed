"""Write a KioskConfig back out as TOML (the installed ``kiosk.toml``).

``tomllib`` only reads. The schema holds strings, numbers, booleans, lists of strings and tables of
numbers, so a small writer is enough; JSON string escapes are valid TOML basic strings, and the
result is checked by parsing it back with the real loader.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable

from appliance.config import KioskConfig


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def render(config: KioskConfig, *, omit: Iterable[str] = (), header: str = "") -> str:
    """TOML text for every section of ``config`` except those named in ``omit``."""
    skipped = set(omit) | {"source"}
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    for section in dataclasses.fields(config):
        if section.name in skipped:
            continue
        values = getattr(config, section.name)
        tables: list[str] = []
        lines += ["", f"[{section.name}]"]
        for f in dataclasses.fields(values):
            value = getattr(values, f.name)
            if isinstance(value, dict):
                tables += ["", f"[{section.name}.{f.name}]"]
                tables += [f"{json.dumps(k)} = {_value(v)}" for k, v in value.items()]
            else:
                lines.append(f"{f.name} = {_value(value)}")
        lines += tables
    return "\n".join(lines).lstrip("\n") + "\n"
