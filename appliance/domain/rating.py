"""Citizen satisfaction ratings (reference §6), tied to a dossier code.

Three levels — Rất hài lòng / Hài lòng / Không hài lòng — with a reason required for the last, and
optional 3-level items per criterion. A rating counts toward the satisfaction part of the national
index only when it names its dossier, so the code is validated like any other input.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from appliance.domain.codes import normalise_lookup_code
from kioskbase.errors import BilingualError

LEVELS: dict[str, str] = {
    "rat_hai_long": "Rất hài lòng",
    "hai_long": "Hài lòng",
    "khong_hai_long": "Không hài lòng",
}
"""Stable code → the label the citizen sees."""
CRITERIA: dict[str, str] = {
    "tong_the": "Đánh giá chung về dịch vụ",
    "thuan_tien": "Sự thuận tiện khi nộp hồ sơ",
    "dung_hen": "Thời gian giải quyết đúng hẹn",
    "huong_dan": "Hướng dẫn trên máy dễ hiểu",
}
"""Optional per-criterion items, each rated on the same three levels."""
MAX_REASON_LEN = 500


class RatingError(BilingualError, ValueError):
    """A rating that cannot be accepted; ``reason_vi`` tells the citizen what to do."""


@dataclass(frozen=True)
class Rating:
    dossier_code: str
    level: str
    reason: str | None = None
    items: dict[str, str] = field(default_factory=dict)
    """Criterion code → level code."""
    rated_at: dt.datetime | None = None

    @property
    def label(self) -> str:
        return LEVELS[self.level]

    def to_dict(self) -> dict[str, object]:
        """Same as to_payload (what the store keeps and the gateway receives)."""
        return self.to_payload()

    def to_payload(self) -> dict[str, object]:
        """Body of ``PUT /api/v1/ratings/{id}``."""
        return {
            "dossier_code": self.dossier_code,
            "level": self.level,
            "label": self.label,
            "reason": self.reason,
            "items": [
                {"criterion": k, "title": CRITERIA[k], "level": v, "label": LEVELS[v]}
                for k, v in self.items.items()
            ],
            "rated_at": self.rated_at.isoformat(timespec="seconds") if self.rated_at else None,
        }


def _level_code(level: object) -> str | None:
    """A level given as its code, its Vietnamese label or its index 0–2 in LEVELS order."""
    if isinstance(level, int) and not isinstance(level, bool):
        return list(LEVELS)[level] if 0 <= level < len(LEVELS) else None
    if isinstance(level, str):
        if level in LEVELS:
            return level
        label = unicodedata.normalize("NFC", level.strip())
        return next((k for k, v in LEVELS.items() if v == label), None)
    return None


def validate_rating(
    dossier_code: str | None = None,
    level: str | int | None = None,
    reason: str | None = None,
    items: Mapping[str, str | int] | None = None,
    rated_at: dt.datetime | None = None,
    *,
    code: str | None = None,
) -> Rating:
    """A checked Rating; raises RatingError (with ``reason_vi``) on anything invalid.

    ``level`` (and each item's level) may be the code, the Vietnamese label or the index 0–2 in
    LEVELS order, as a screen of three buttons has it; ``code`` is an alias of ``dossier_code``.
    """
    if dossier_code is None:
        dossier_code = code
    code = normalise_lookup_code(dossier_code) if isinstance(dossier_code, str) else None
    if code is None:
        raise RatingError(
            "invalid_dossier_code",
            "Mã hồ sơ chưa đúng. Xin vui lòng quét mã QR trên giấy hẹn hoặc nhập lại mã hồ sơ.",
            "dossier code is not a kiosk or counter code",
        )
    level = _level_code(level)
    if level is None:
        raise RatingError(
            "invalid_level",
            "Xin vui lòng chọn một mức: Rất hài lòng, Hài lòng hoặc Không hài lòng.",
            f"level must be one of {', '.join(LEVELS)}",
        )
    text = _checked_reason(reason, level)
    checked = _checked_items(items or {})
    return Rating(
        dossier_code=code, level=level, reason=text or None, items=checked, rated_at=rated_at
    )


def _checked_reason(reason: str | None, level: str) -> str:
    """The reason in NFC with runs of whitespace collapsed; required for khong_hai_long."""
    text = unicodedata.normalize("NFC", " ".join((reason or "").split()))
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
        raise RatingError(
            "invalid_reason",
            "Lý do có ký tự không hợp lệ. Xin vui lòng nhập lại.",
            "reason contains control characters",
        )
    if len(text) > MAX_REASON_LEN:
        raise RatingError(
            "reason_too_long",
            f"Lý do dài quá {MAX_REASON_LEN} ký tự. Xin vui lòng viết ngắn lại.",
            f"reason has {len(text)} characters, limit {MAX_REASON_LEN}",
        )
    if level == "khong_hai_long" and len(text) < 3:
        raise RatingError(
            "reason_required",
            "Xin vui lòng cho biết lý do chưa hài lòng để cơ quan khắc phục.",
            "a reason is required for khong_hai_long",
        )
    return text


def _checked_items(items: Mapping[str, str | int]) -> dict[str, str]:
    """Criterion → level code, each criterion known and each level valid."""
    checked: dict[str, str] = {}
    for criterion, given in items.items():
        if criterion not in CRITERIA:
            raise RatingError(
                "invalid_item",
                "Mục đánh giá không hợp lệ. Xin vui lòng chọn lại.",
                f"unknown criterion {criterion!r}",
            )
        item_level = _level_code(given)
        if item_level is None:
            raise RatingError(
                "invalid_item",
                f'Xin vui lòng chọn một mức cho mục "{CRITERIA[criterion]}".',
                f"criterion {criterion}: level must be one of {', '.join(LEVELS)}",
            )
        checked[criterion] = item_level
    return checked


__all__ = ["CRITERIA", "LEVELS", "Rating", "RatingError", "validate_rating"]
