"""Blank secrets in the technician's ``kiosk.toml`` on the boot partition, keeping everything else.

The file stays the technician's: comments, order and other values are preserved, only the value of
each secret key becomes ``""`` with a note. A secret written in a shape this line editor does not
understand (a multi-line string, an inline table) cannot be blanked safely in place, so the caller
is told and falls back to a rewrite without comments.
"""

from __future__ import annotations

import re
import tomllib

SECRETS: dict[str, tuple[str, ...]] = {
    "provision": ("staff_pin", "gateway_client_secret"),
    "wifi": ("psk",),
    "gateway": ("enrolment_code",),
}
NOTE = "# moved to the data partition by kiosk provision"

_HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\-]+)\s*\]\s*(#.*)?$")
_ASSIGN = re.compile(r"^(\s*)([A-Za-z0-9_\-]+)(\s*=\s*)(.*)$")
_ONE_LINE_STRING = re.compile(r'^("(?:[^"\\]|\\.)*"|\'[^\']*\')\s*(#.*)?$')


class ScrubError(Exception):
    """A secret could not be blanked in place."""


def secrets_present(text: str) -> list[str]:
    """Dotted names of the secret keys that hold a non-empty value in ``text``."""
    raw = tomllib.loads(text)
    return [
        f"{section}.{key}"
        for section, keys in SECRETS.items()
        for key in keys
        if isinstance(raw.get(section), dict) and raw[section].get(key)
    ]


def scrub(text: str) -> tuple[str, list[str]]:
    """(text with every secret blanked, dotted names blanked); raises ScrubError if it cannot."""
    out: list[str] = []
    section = ""
    blanked: list[str] = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        header = _HEADER.match(body)
        if header:
            section = header.group(1)
        assign = _ASSIGN.match(body)
        if assign and not header and assign.group(2) in SECRETS.get(section, ()):
            indent, key, eq, rest = assign.groups()
            if not _ONE_LINE_STRING.match(rest):
                raise ScrubError(f"{section}.{key}: not a one-line string")
            if rest.split("#", 1)[0].strip() not in ('""', "''"):
                body = f'{indent}{key}{eq}""  {NOTE}'
                blanked.append(f"{section}.{key}")
        out.append(body + ending)
    result = "".join(out)
    left = secrets_present(result)
    if left:
        raise ScrubError(f"still present after scrubbing: {', '.join(left)}")
    return result, blanked
