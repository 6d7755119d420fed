"""One base for every error a citizen or staff member can be shown."""

from __future__ import annotations


class BilingualError(Exception):
    """An error with a stable ``code``, plain Vietnamese for the screen and precise English.

    ``reason_vi`` is what the citizen (or staff) reads: NFC, full diacritics, saying what to do
    next. ``reason_en`` is for staff screens and logs and carries no personal data. ``str(exc)`` is
    ``reason_en``.
    """

    code: str = "error"
    reason_vi: str = ""
    reason_en: str = ""

    def __init__(self, code: str, reason_vi: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.code = code
        self.reason_vi = reason_vi
        self.reason_en = reason_en

    def __str__(self) -> str:
        return self.reason_en

    def describe(self) -> str:
        """``code: reason_en``, the line logs and the staff screen show."""
        return f"{self.code}: {self.reason_en}"
