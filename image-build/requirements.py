"""Print the project's runtime requirements (plus chosen extras) from pyproject.toml, one a line.

The image's venv is filled from a wheelhouse fetched on the build host; this keeps the list in one
place (pyproject.toml). ``--skip NAME`` drops a requirement that has no arm64 wheel and comes from
Debian instead (the venv sees system packages).
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path


def requirements(pyproject: Path, extras: list[str], skip: list[str]) -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    reqs = list(project.get("dependencies", []))
    for extra in extras:
        reqs += project.get("optional-dependencies", {}).get(extra, [])
    skipped = {s.lower() for s in skip}
    return [r for r in reqs if re.split(r"[\s<>=!~\[;]", r, maxsplit=1)[0].lower() not in skipped]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pyproject", type=Path)
    parser.add_argument("--extra", action="append", default=[])
    parser.add_argument("--skip", action="append", default=[])
    args = parser.parse_args(argv)
    print("\n".join(requirements(args.pyproject, args.extra, args.skip)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
