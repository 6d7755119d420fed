"""Print the Debian mirror the build host's apt uses, as ``MIRROR=…`` / ``SECURITY=…`` lines.

The image must come from the mirror this host is configured with (a proxy, a local mirror or a
snapshot), never from a host name written into the build. Both apt formats are read: one-line
``sources.list`` entries and deb822 ``*.sources`` files. The first ``deb`` entry carrying the
target suite is the mirror; the first carrying ``<suite>-security`` is the security mirror.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Entry:
    uri: str
    suites: tuple[str, ...]


def _one_line(text: str) -> list[Entry]:
    entries = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line.startswith("deb "):
            continue
        words = line.split()[1:]
        if words and words[0].startswith("["):  # options such as [arch=amd64 signed-by=…]
            while words and not words[0].endswith("]"):
                words.pop(0)
            words = words[1:]
        if len(words) >= 2:
            entries.append(Entry(words[0], (words[1],)))
    return entries


def _deb822(text: str) -> list[Entry]:
    entries: list[Entry] = []
    for stanza in text.split("\n\n"):
        fields: dict[str, str] = {}
        key = ""
        for raw in stanza.splitlines():
            if raw.startswith("#") or not raw.strip():
                continue
            if raw[0] in " \t" and key:
                fields[key] += " " + raw.strip()
                continue
            key, _, value = raw.partition(":")
            key = key.strip().lower()
            fields[key] = value.strip()
        if "deb" not in fields.get("types", "").split():
            continue
        if fields.get("enabled", "yes").lower() == "no":
            continue
        suites = tuple(fields.get("suites", "").split())
        entries.extend(Entry(uri, suites) for uri in fields.get("uris", "").split())
    return entries


def read_entries(apt_dir: Path) -> list[Entry]:
    """All ``deb`` entries under an apt configuration folder, in apt's reading order."""
    entries: list[Entry] = []
    main = apt_dir / "sources.list"
    if main.is_file():
        entries += _one_line(main.read_text(encoding="utf-8", errors="replace"))
    parts = apt_dir / "sources.list.d"
    if parts.is_dir():
        for path in sorted(parts.iterdir()):
            text = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix == ".list":
                entries += _one_line(text)
            elif path.suffix == ".sources":
                entries += _deb822(text)
    return entries


def find_mirrors(entries: list[Entry], suite: str) -> tuple[str, str | None]:
    """(mirror, security mirror or None) for ``suite``; raises LookupError if none carries it."""
    mirror = next((e.uri for e in entries if suite in e.suites), None)
    if mirror is None:
        raise LookupError(f"no apt source for suite {suite!r} on this host")
    security = next((e.uri for e in entries if f"{suite}-security" in e.suites), None)
    return mirror.rstrip("/"), security.rstrip("/") if security else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apt-dir", default="/etc/apt", type=Path)
    parser.add_argument("--suite", default="bookworm")
    args = parser.parse_args(argv)
    try:
        mirror, security = find_mirrors(read_entries(args.apt_dir), args.suite)
    except LookupError as exc:
        print(f"mirror.py: {exc}", file=sys.stderr)
        return 1
    print(f"MIRROR={mirror}")
    print(f"SECURITY={security or ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
