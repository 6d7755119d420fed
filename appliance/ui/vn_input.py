"""Vietnamese letters and tone marks for the on-screen keyboard and for Telex on a real keyboard.

An elderly citizen types the letter first and then presses a big tone key ("sắc", "huyền", …);
the tone lands on the right vowel of the current word by the usual spelling rule, so the citizen
never has to know where it goes. The same placement rule serves Telex (``s f r x j`` after the
vowels) from a plugged-in keyboard. Everything returns NFC: Kivy does no text shaping.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class Tone(StrEnum):
    NONE = ""
    ACUTE = "\u0301"  # sắc
    GRAVE = "\u0300"  # huyền
    HOOK = "\u0309"  # hỏi
    TILDE = "\u0303"  # ngã
    DOT = "\u0323"  # nặng


TONES = frozenset(t.value for t in Tone if t.value)
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_MODIFIERS = frozenset({_CIRCUMFLEX, _BREVE, _HORN})
_VOWELS = frozenset("aeiouy")
TELEX_TONES = {"s": Tone.ACUTE, "f": Tone.GRAVE, "r": Tone.HOOK, "x": Tone.TILDE, "j": Tone.DOT,
               "z": Tone.NONE}


def _split(ch: str) -> tuple[str, str, Tone]:
    """A letter → (base letter, modifier mark or "", tone)."""
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[:1], decomposed[1:]
    modifier = "".join(m for m in marks if m in _MODIFIERS)
    tone = next((Tone(m) for m in marks if m in TONES), Tone.NONE)
    return base, modifier, tone


def _join(base: str, modifier: str, tone: Tone) -> str:
    return unicodedata.normalize("NFC", base + modifier + tone.value)


def is_vowel(ch: str) -> bool:
    return len(ch) == 1 and _split(ch)[0].lower() in _VOWELS


def tone_of(word: str) -> Tone:
    for ch in word:
        tone = _split(ch)[2]
        if tone is not Tone.NONE:
            return tone
    return Tone.NONE


def _vowel_span(word: str) -> tuple[int, int] | None:
    """Start and end (exclusive) of the main vowel cluster of the last syllable in ``word``."""
    end = len(word)
    while end > 0 and not is_vowel(word[end - 1]):
        end -= 1
    if end == 0:
        return None
    start = end
    while start > 0 and is_vowel(word[start - 1]):
        start -= 1
    lower = "".join(_split(c)[0].lower() for c in word[: start + 1])
    # "qu" and "gi" + vowel: the u / i belong to the consonant.
    if end - start > 1 and (lower.endswith("qu") or lower.endswith("gi")) and start > 0:
        start += 1
    return start, end


def tone_index(word: str) -> int | None:
    """Which letter of ``word`` carries the tone (traditional placement: hòa, thủy, của)."""
    span = _vowel_span(word)
    if span is None:
        return None
    start, end = span
    cluster = word[start:end]
    parts = [_split(c) for c in cluster]
    with_mod = [i for i, (_, mod, _) in enumerate(parts) if mod]
    if with_mod:
        return start + with_mod[-1]  # ươ → ơ, uô → ô, ê, â …
    has_final = end < len(word)
    if len(cluster) == 1:
        return start
    if has_final:
        return end - 1  # toán, tuấn, khuyến
    if len(cluster) >= 3:
        return start + 1  # ngoài, khuỷu
    return start  # hòa, của, mía, thủy


def set_tone(word: str, tone: Tone) -> str:
    """``word`` with its tone replaced by ``tone`` on the right vowel; unchanged without a vowel."""
    index = tone_index(word)
    if index is None:
        return unicodedata.normalize("NFC", word)
    letters = [_join(*_split(c)[:2], Tone.NONE) for c in word]
    base, mod, _ = _split(letters[index])
    letters[index] = _join(base, mod, tone)
    return unicodedata.normalize("NFC", "".join(letters))


def press_tone(text: str, tone: Tone) -> str:
    """The on-screen tone key: put ``tone`` on the last word; pressing the same tone again
    removes it (so a mistaken press is undone by pressing it once more)."""
    head, word = split_last_word(text)
    if tone_of(word) is tone:
        tone = Tone.NONE
    return head + set_tone(word, tone)


def split_last_word(text: str) -> tuple[str, str]:
    i = len(text)
    while i > 0 and text[i - 1].isalpha():
        i -= 1
    return text[:i], text[i:]


def _with_modifier(ch: str, modifier: str) -> str:
    base, _, tone = _split(ch)
    return _join(base, modifier, tone)


def telex(text: str, key: str) -> str:
    """Feed one typed character through Telex: ``aa→â aw→ă ee→ê oo→ô ow→ơ uw→ư w→ư dd→đ``,
    ``s f r x j`` tones, ``z`` removes the tone. Typing a rule twice gives the plain letters back
    (``ass`` → ``as``), as Telex users expect."""
    head, word = split_last_word(text)
    low = key.lower()
    if not word or len(key) != 1:
        return unicodedata.normalize("NFC", text + key)
    last = word[-1]
    last_base, last_mod, _ = _split(last)
    if low in TELEX_TONES and tone_index(word) is not None:
        tone = TELEX_TONES[low]
        if tone is not Tone.NONE and tone_of(word) is tone:
            return head + set_tone(word, Tone.NONE) + key
        if tone is Tone.NONE and tone_of(word) is Tone.NONE:
            return head + word + key
        return head + set_tone(word, tone)
    if low == "d" and last_base.lower() == "d":
        return head + word[:-1] + ("Đ" if last.isupper() else "đ")
    if low in "aeo" and last_base.lower() == low:
        new = _with_modifier(last, "" if last_mod == _CIRCUMFLEX else _CIRCUMFLEX)
        tail = key if last_mod == _CIRCUMFLEX else ""
        return _retone(head, word[:-1] + new + tail)
    if low == "w":
        return _retone(head, _telex_w(word, key))
    return unicodedata.normalize("NFC", text + key)


def _telex_w(word: str, key: str) -> str:
    """``w`` gives ă / ơ / ư on the last vowel(s); ``uo`` + w → ươ; a lone w → ư."""
    span = _vowel_span(word) if any(is_vowel(c) for c in word) else None
    if span is None or (span[1] != len(word) and not is_vowel(word[-1])):
        span = None
    if span is not None:
        start, end = span
        bases = "".join(_split(c)[0].lower() for c in word[start:end])
        chars = list(word)
        if bases.endswith("uo"):
            chars[end - 2] = _with_modifier(chars[end - 2], _HORN)
            chars[end - 1] = _with_modifier(chars[end - 1], _HORN)
            return "".join(chars)
        last_base, last_mod, _ = _split(chars[end - 1])
        target = {"a": _BREVE, "o": _HORN, "u": _HORN}.get(last_base.lower())
        if target and last_mod != target:
            chars[end - 1] = _with_modifier(chars[end - 1], target)
            return "".join(chars)
        if target and last_mod == target:
            chars[end - 1] = _with_modifier(chars[end - 1], "")
            return "".join(chars) + key
    return word + ("Ư" if key.isupper() else "ư")


def _retone(head: str, word: str) -> str:
    """After a letter changes, move an existing tone to where the rule now puts it."""
    return head + set_tone(word, tone_of(word))


def apply_telex(keys: str) -> str:
    """Type a whole string through Telex (tests, and pasting into a field)."""
    text = ""
    for key in keys:
        text = telex(text, key)
    return text
