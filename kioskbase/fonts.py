"""The one font look-up: slips, synthetic pages, test pages and the touch UI's drawings.

Searched in order: ``$KIOSK_FONT_DIR``, Debian's DejaVu folders (``fonts-dejavu-core``), then the
fonts Kivy ships (DejaVuSans and Roboto), located without importing Kivy.
"""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from pathlib import Path

FONT_ENV = "KIOSK_FONT_DIR"
FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian fonts-dejavu-core
    "/usr/share/fonts/dejavu",
    "/usr/local/share/fonts",
)


class FontNotFound(RuntimeError):
    """None of the wanted fonts is installed (install fonts-dejavu-core)."""


def font_dirs() -> list[Path]:
    """Where fonts are looked for, first match wins."""
    dirs = [Path(os.environ[FONT_ENV])] if os.environ.get(FONT_ENV) else []
    dirs += [Path(d) for d in FONT_DIRS]
    try:  # find_spec locates Kivy's package without running it
        spec = importlib.util.find_spec("kivy")
    except (ImportError, ValueError):
        spec = None
    if spec and spec.submodule_search_locations:
        dirs += [Path(p) / "data" / "fonts" for p in spec.submodule_search_locations]
    return dirs


@lru_cache(maxsize=16)
def find_font(*names: str) -> Path:
    """Path of the first of ``names`` found (default DejaVuSans); FontNotFound says where it
    looked."""
    names = names or ("DejaVuSans.ttf",)
    dirs = font_dirs()
    for name in names:
        for d in dirs:
            if (d / name).is_file():
                return d / name
    raise FontNotFound(
        f"{' / '.join(names)} not found in {', '.join(str(d) for d in dirs)} "
        "(install the Debian package fonts-dejavu-core)"
    )
