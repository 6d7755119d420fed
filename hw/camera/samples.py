"""Synthetic chip-ID-card QR payloads (invented people) for demos, tests and benchmarks.

Names and addresses are drawn so that a corpus of a few hundred payloads uses every precomposed
Vietnamese letter, lower and upper case, with every tone mark: exactly the text that encoding-
guessing decoders garble. Format as on the card (reference §2)::

    <12-digit ID>|<9-digit old ID or empty>|<name>|<ddmmyyyy>|<Nam|Nữ>|<address>|<ddmmyyyy>
"""

from __future__ import annotations

import random
import unicodedata

VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # none, huyền, sắc, hỏi, ngã, nặng
ONSETS = ("", "b", "c", "ch", "d", "đ", "g", "gi", "h", "kh", "l", "m", "n", "ng", "nh", "ph",
          "qu", "s", "t", "th", "tr", "v", "x")
CODAS = ("", "", "n", "ng", "nh", "m", "c", "t", "p", "ch")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Ưng", "Ông", "Âu", "Ỷ")
MIDDLE = ("Thị", "Văn", "Hữu", "Đức", "Ngọc", "Minh", "Thùy", "Quốc", "Xuân", "Diễm")
PLACE_KINDS = (("Thôn", "Xã", "Tỉnh"), ("Ấp", "Xã", "Tỉnh"), ("Bản", "Xã", "Tỉnh"),
               ("Tổ dân phố", "Phường", "Thành phố"))


def all_letters() -> set[str]:
    """Every precomposed Vietnamese letter (vowel × tone, plus đ), both cases."""
    lower = {unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES} | {"đ"}
    return lower | {c.upper() for c in lower}


def _syllable(rng: random.Random, vowel: str, tone: str, onset: str | None = None) -> str:
    onset = rng.choice(ONSETS) if onset is None else onset
    return unicodedata.normalize("NFC", onset + vowel + tone + rng.choice(CODAS))


def card_payloads(count: int, seed: int = 0) -> list[str]:
    """``count`` payloads. The first 72 give every vowel × tone in a given name in lower case,
    the next 72 as the name's capital initial, so 144 or more cover :func:`all_letters`."""
    rng = random.Random(seed)
    combos = [(v, t) for v in VOWELS for t in TONES]
    out = []
    for i in range(count):
        vowel, tone = combos[i % len(combos)] if i < 2 * len(combos) else rng.choice(combos)
        initial = "" if len(combos) <= i < 2 * len(combos) else None
        given = _syllable(rng, vowel, tone, initial).capitalize()
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {given}"
        if i % 7 == 3:
            name = name.upper()  # some sources copy the card's printed capitals
        hamlet, commune, province = rng.choice(PLACE_KINDS)
        address = (
            f"{hamlet} {_syllable(rng, *rng.choice(combos)).capitalize()} "
            f"{_syllable(rng, *rng.choice(combos))}, {commune} "
            f"{_syllable(rng, *rng.choice(combos)).capitalize()}, {province} "
            f"{_syllable(rng, *rng.choice(combos)).capitalize()} "
            f"{_syllable(rng, *rng.choice(combos))}"
        )
        address = unicodedata.normalize("NFC", address)
        id_number = f"0{rng.randrange(1, 97):02d}{rng.randrange(0, 4)}{rng.randrange(10**8):08d}"
        old_id = f"{rng.randrange(10**9):09d}" if i % 3 == 0 else ""
        birth = f"{rng.randrange(1, 29):02d}{rng.randrange(1, 13):02d}{rng.randrange(1940, 2008)}"
        issue = f"{rng.randrange(1, 29):02d}{rng.randrange(1, 13):02d}{rng.randrange(2021, 2026)}"
        sex = rng.choice(("Nam", "Nữ"))
        out.append(f"{id_number}|{old_id}|{name}|{birth}|{sex}|{address}|{issue}")
    return out
