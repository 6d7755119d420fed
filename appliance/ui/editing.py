"""Editing a line of text at the cursor, for the on-screen keyboard and the word suggestions.

The citizen can tap anywhere in the field to put the cursor there; letters, tone keys, "Xóa" and a
chosen suggestion then act at the cursor, not only at the end ("Nguyen Thi" → tap after "Nguyen",
press "ngã" → "Nguyễn Thi"). Each function takes the text and the cursor index and returns the new
text and cursor. Pure, no Kivy, NFC in and out (every Vietnamese letter is one code point, so a
tone never moves the cursor).
"""

from __future__ import annotations

import unicodedata

from appliance.ui.vn_input import Tone, press_tone


def _clamp(text: str, i: int) -> int:
    return max(0, min(i, len(text)))


def word_around(text: str, i: int) -> tuple[int, int]:
    """Start and end of the word the cursor is in or just after (letters only)."""
    i = _clamp(text, i)
    start, end = i, i
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    while end < len(text) and text[end].isalpha():
        end += 1
    return start, end


def word_before(text: str, i: int) -> str:
    """The letters typed so far of the word at the cursor (what suggestions complete)."""
    i = _clamp(text, i)
    start, _ = word_around(text, i)
    return text[start:i]


def insert(text: str, i: int, chars: str) -> tuple[str, int]:
    i = _clamp(text, i)
    new = unicodedata.normalize("NFC", text[:i] + chars + text[i:])
    return new, i + len(unicodedata.normalize("NFC", chars))


def delete_before(text: str, i: int) -> tuple[str, int]:
    i = _clamp(text, i)
    if i == 0:
        return text, 0
    return text[: i - 1] + text[i:], i - 1


def space(text: str, i: int) -> tuple[str, int]:
    """A space at the cursor, never two in a row nor one at the start."""
    i = _clamp(text, i)
    if i == 0 or text[i - 1] == " " or text[i:i + 1] == " ":
        return text, i + (1 if text[i:i + 1] == " " else 0)
    return insert(text, i, " ")


def tone(text: str, i: int, mark: Tone) -> tuple[str, int]:
    """The tone key on the word at the cursor (pressing it again takes the tone off)."""
    i = _clamp(text, i)
    start, end = word_around(text, i)
    word = press_tone(text[start:end], mark)
    return text[:start] + word + text[end:], i


def replace_word(text: str, i: int, word: str) -> tuple[str, int]:
    """Put a chosen suggestion in place of the word at the cursor, followed by one space; the
    cursor goes after the space, ready for the next word."""
    i = _clamp(text, i)
    start, end = word_around(text, i)
    rest = text[end:].lstrip(" ")
    head = unicodedata.normalize("NFC", text[:start] + word + " ")
    return head + rest, len(head)
