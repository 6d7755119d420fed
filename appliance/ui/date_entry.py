"""Date entry on a numeric keypad behind a ``__/__/____`` mask.

The citizen types digits; the slashes come by themselves after two digits of day and month, so
"05062025" reads "05/06/2025". The "/" key closes a one-digit day or month ("5" "/" → "05/"), so
"5/3/2025" is typed the way people say it. A year-only birth date from the card ("1950") is kept
and shown as it is; the first key pressed on it starts a new date. Pure functions, no Kivy: the
form screen holds the text and shows :func:`masked`.
"""

from __future__ import annotations

import re

MASK = "__/__/____"
_PART_LENGTHS = (2, 2, 4)
_YEAR_ONLY = re.compile(r"[0-9]{4}")


def is_year_only(text: str) -> bool:
    return bool(_YEAR_ONLY.fullmatch(text))


def press(text: str, key: str) -> str:
    """The entry after pressing ``key`` (a digit, "/" or "del") on ``text``."""
    if is_year_only(text):
        text = ""  # the card's year alone: any key starts a full date
        if key == "del":
            return text
    parts = text.split("/")
    index, part = len(parts) - 1, parts[-1]
    if key == "del":
        return text.removesuffix("/")[:-1]  # a slash that came by itself goes with its digit
    if key == "/":
        if index >= 2 or not part:
            return text
        return text[: len(text) - len(part)] + part.rjust(2, "0") + "/"
    if not (len(key) == 1 and key.isdigit()):
        return text
    if len(part) < _PART_LENGTHS[index]:
        text += key
    elif index < 2:
        text += "/" + key
    else:
        return text  # the year is complete
    parts = text.split("/")
    if len(parts) < 3 and len(parts[-1]) == 2:
        text += "/"
    return text


def masked(text: str) -> str:
    """What the field shows: the typed part, then the rest of the mask (``05/0_/____``)."""
    if is_year_only(text):
        return text
    return text + MASK[len(text):] if len(text) <= len(MASK) else text
