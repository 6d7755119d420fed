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


class RatingError(ValueError):
    """A rating that cannot be accepted; ``message_vi`` tells the citizen what to do."""

    def __init__(self, code: str, message_vi: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.message_vi = message_vi
        self.detail = detail


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


def validate_rating(
    dossier_code: str,
    level: str,
    reason: str | None = None,
    items: Mapping[str, str] | None = None,
    rated_at: dt.datetime | None = None,
) -> Rating:
    """A checked Rating; raises RatingError (with ``message_vi``) on anything invalid."""
    code = normalise_lookup_code(dossier_code) if isinstance(dossier_code, str) else None
    if code is None:
        raise RatingError(
            "invalid_dossier_code",
            "Mã hồ sơ chưa đúng. Xin vui lòng quét mã QR trên giấy hẹn hoặc nhập lại mã hồ sơ.",
            "dossier code is not a kiosk or counter code",
        )
    if level not in LEVELS:
        raise RatingError(
            "invalid_level",
            "Xin vui lòng chọn một mức: Rất hài lòng, Hài lòng hoặc Không hài lòng.",
            f"level must be one of {', '.join(LEVELS)}",
        )
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
    checked: dict[str, str] = {}
    for criterion, item_level in (items or {}).items():
        if criterion not in CRITERIA:
            raise RatingError(
                "invalid_item",
                "Mục đánh giá không hợp lệ. Xin vui lòng chọn lại.",
                f"unknown criterion {criterion!r}",
            )
        if item_level not in LEVELS:
            raise RatingError(
                "invalid_item",
                f'Xin vui lòng chọn một mức cho mục "{CRITERIA[criterion]}".',
                f"criterion {criterion}: level must be one of {', '.join(LEVELS)}",
            )
        checked[criterion] = item_level
    return Rating(
        dossier_code=code, level=level, reason=text or None, items=checked, rated_at=rated_at
    )


__all__ = ["CRITERIA", "LEVELS", "Rating", "RatingError", "validate_rating"]
