"""Argument types for the ``kiosk`` commands: a bad number is a one-line usage error (exit 2)."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def int_in_range(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type`` accepting whole numbers from ``low`` to ``high``; the message never
    echoes the text, which may be thousands of digits long."""

    def parse(text: str) -> int:
        stripped = text.strip()
        digits = stripped.removeprefix("-")
        if not digits.isascii() or not digits.isdigit() or len(digits) > len(str(high)) + 1:
            raise argparse.ArgumentTypeError(f"expected a whole number from {low} to {high}")
        value = int(stripped)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected a whole number from {low} to {high}")
        return value

    return parse
