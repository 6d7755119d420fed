"""Word suggestions above the on-screen keyboard: the whole word, tones included, in one tap.

An elderly citizen types the first letters of a word ("tr") and taps "Trần" instead of finding
four more letters and the right tone key. Words come first from what the kiosk already knows in
this session (the name and address read from the card: a child often shares a parent's family
name, a birthplace the parent's commune), then from short lists of the commonest family names,
given names and place words, in rough order of frequency. Matching ignores tones and letter
marks ("tran" finds "Trần"), as the keyboard's own search does. Pure functions, no Kivy.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

_FAMILY = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đào Lương "
    "Trương Mai Lâm Cao Hà Tạ Tô Trịnh Châu Quách Thái Đoàn Vương Kiều La Lò Lục Nông Triệu"
)
_GIVEN = (
    "Văn Thị Minh Hữu Đức Thanh Ngọc Quang Thành Anh Hoàng Xuân Thu Kim Gia Bảo Tuấn Hùng Dũng "
    "Hải Huy Khánh Khang Khoa Kiên Long Nam Phúc Phong Quân Sơn Tâm Thắng Trung Tùng Việt Vinh "
    "Hà Hạnh Hiền Hoa Hồng Hương Lan Linh Loan Mai My Nga Ngân Nhung Oanh Phương Quỳnh Thảo "
    "Thủy Trang Trâm Tú Uyên Vân Yến An Bình Chi Cường Đạt Duy Giang Hiếu Hòa Lộc Nhân Nhật "
    "Phát Tài Thiện Thịnh Tiến Toàn Trí Trọng Vy Ánh Diệp Duyên Khôi Lực Mạnh Nhi Như Quý Sang"
)
FAMILY_NAMES = tuple(_FAMILY.split(" "))
GIVEN_NAMES = tuple(_GIVEN.split(" "))
PLACE_WORDS = (
    "Bệnh viện", "Trạm y tế", "Trung tâm y tế", "Nhà hộ sinh", "Phòng khám", "xã", "phường",
    "thị trấn", "huyện", "quận", "thị xã", "thành phố", "tỉnh", "thôn", "ấp", "bản", "làng",
    "xóm", "tổ", "khu phố", "đường", "phố", "số", "đa khoa", "sản nhi", "Hà Nội", "Hồ Chí Minh",
    "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế",
)
KINDS = ("name", "place", "text")


def fold(text: str) -> str:
    """Lower case without tone or letter marks ("Trần" → "tran")."""
    text = unicodedata.normalize("NFD", text.lower()).replace("đ", "d")
    return "".join(c for c in text if not unicodedata.combining(c))


def kind_of(field_name: str) -> str:
    """Which word list suits a form field, from its catalogue name."""
    if field_name.endswith("ho_ten") or field_name.endswith("_ten"):
        return "name"
    if any(part in field_name for part in ("noi_", "dia_chi", "que_quan", "cu_tru")):
        return "place"
    return "text"


def _words(kind: str, first: bool) -> tuple[str, ...]:
    if kind == "name":  # a name starts with the family name; then come the given names
        return (*FAMILY_NAMES, *GIVEN_NAMES) if first else (*GIVEN_NAMES, *FAMILY_NAMES)
    if kind == "place":
        return PLACE_WORDS
    return (*PLACE_WORDS, *FAMILY_NAMES, *GIVEN_NAMES)


def suggest(prefix: str, kind: str = "text", context: Iterable[str] = (), n: int = 3,
            first: bool = True) -> list[str]:
    """Up to ``n`` words starting (tones ignored) with ``prefix``, the session's own words first;
    ``first``: the word begins the text. Nothing for an empty prefix, nothing that would only
    repeat what is typed."""
    key = fold(prefix)
    if not key:
        return []
    seen: set[str] = set()
    found: list[str] = []
    for word in (*context, *_words(kind, first)):
        word = unicodedata.normalize("NFC", word.strip(" ,.;:"))
        folded = fold(word)
        if len(word) < 2 or folded in seen or not folded.startswith(key) or word == prefix:
            continue
        seen.add(folded)
        found.append(word)
        if len(found) == n:
            break
    return found


def context_words(texts: Iterable[str]) -> list[str]:
    """The separate words of what the kiosk knows (name, address), in order, without repeats."""
    out: list[str] = []
    for text in texts:
        for word in text.replace(",", " ").split():
            if word not in out:
                out.append(word)
    return out
