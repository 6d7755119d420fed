"""The short tracking code a citizen types at any kiosk: 8 characters, shown "ABCD-2345".

The dossier code (``codes.py``) is ~30 characters: exact, but 35 taps on a kiosk keypad. The
tracking code is what the slip prints large and the success screen shows beside the QR:

* 31 symbols: the digits 2–9 and the letters A–Z without I, L and O, so nothing can be read two
  ways (0/O, 1/I/L); a typed ``0``, ``1``, ``I``, ``L`` or ``O`` is simply not a code;
* 7 random symbols (``secrets``: made on the kiosk at finalize, offline) and one check symbol:
  the weighted sum of all 8 symbol values (weights 1…8) is 0 mod 31. 31 is prime, so every
  single wrong symbol and every swap of two neighbours is caught before any lookup, and a typo
  never shows someone else's dossier;
* any case, with or without the dash, blanks ignored (``normalise_tracking_code``).

31⁷ ≈ 2.75·10¹⁰ codes. The kiosk's store keeps them unique (finalize draws again on the rare
clash); two kiosks may, very rarely, draw the same one: the gateway then answers "ambiguous" and
the citizen is asked for the QR or the full code (docs/sync.md).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""The 31 symbols, in keypad order (digits, then letters A–Z without I, L, O)."""
LENGTH = 8
GROUP = 4
"""Shown as two groups of four joined by a dash."""
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_MOD = len(ALPHABET)
MAX_INPUT_LEN = 32
"""Longest text looked at as a tracking code (a typed one with blanks and a dash is ~10)."""


def _check_symbol(body: str) -> str:
    """The symbol that makes sum((i + 1) * value) over all 8 symbols 0 mod 31."""
    total = sum((i + 1) * _VALUE[c] for i, c in enumerate(body))
    # weight 8 is invertible mod 31 (31 is prime): solve 8·x ≡ -total
    return ALPHABET[(-total * pow(LENGTH, -1, _MOD)) % _MOD]


def new_tracking_code(randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    """A fresh code in canonical form (8 symbols, no dash), e.g. ``AB3DK7QX``."""
    body = "".join(ALPHABET[randbelow(_MOD)] for _ in range(LENGTH - 1))
    return body + _check_symbol(body)


def is_valid(code: str) -> bool:
    """True for a canonical code (8 symbols of the alphabet whose check symbol holds)."""
    return (len(code) == LENGTH and all(c in _VALUE for c in code)
            and sum((i + 1) * _VALUE[c] for i, c in enumerate(code)) % _MOD == 0)


def normalise_tracking_code(text: object) -> str | None:
    """The canonical code in what a citizen typed or a QR held (any case, with or without the
    dash, blanks ignored), or None when it is not a valid tracking code. Never raises."""
    if not isinstance(text, str) or len(text) > MAX_INPUT_LEN:
        return None
    code = "".join(text.split()).replace("-", "").upper()
    return code if is_valid(code) else None


def display_tracking_code(code: str) -> str:
    """``AB3DK7QX`` → ``AB3D-K7QX`` (what the slip and the screens show)."""
    return f"{code[:GROUP]}-{code[GROUP:]}" if len(code) == LENGTH else code


__all__ = ["ALPHABET", "LENGTH", "display_tracking_code", "is_valid", "new_tracking_code",
           "normalise_tracking_code"]
