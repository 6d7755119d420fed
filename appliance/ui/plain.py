"""Plain words on screen for the legal wording of the catalogue (issue 13, item 9).

The catalogue keeps the official wording: it is what the slip, the sealed payload and the
province's form carry. The screens say the same thing as a 70-year-old would: "bạn" rather than
"người yêu cầu", "số căn cước" rather than "số định danh cá nhân", "3 giờ chiều" rather than
"15 giờ". Phrases are replaced longest first; text without them is shown unchanged.
"""

from __future__ import annotations

PHRASES: tuple[tuple[str, str], ...] = (
    ("Ngay trong ngày tiếp nhận hồ sơ; trường hợp nhận hồ sơ sau 15 giờ mà không giải quyết được "
     "ngay thì trả kết quả trong ngày làm việc tiếp theo.",
     "Trong ngày, nếu nộp trước 3 giờ chiều; nộp sau thì ngày làm việc hôm sau."),
    ("Trong ngày cơ quan, tổ chức tiếp nhận yêu cầu hoặc trong ngày làm việc tiếp theo nếu tiếp "
     "nhận yêu cầu sau 15 giờ.",
     "Trong ngày, nếu nộp trước 3 giờ chiều; nộp sau thì ngày làm việc hôm sau."),
    ("trường hợp phải xác minh thì thời hạn được kéo dài thêm không quá",
     "nếu phải xác minh: thêm tối đa"),
    ("trường hợp cần xác minh thì kéo dài thêm không quá", "nếu phải xác minh: thêm tối đa"),
    ("trường hợp phải xác minh thì thời hạn giải quyết không quá", "nếu phải xác minh: tối đa"),
    ("Họ, chữ đệm, tên người yêu cầu", "Họ và tên của bạn"),
    ("Số định danh cá nhân người yêu cầu", "Số thẻ căn cước của bạn (12 số)"),
    ("Nơi cư trú người yêu cầu", "Địa chỉ nơi bạn đang ở"),
    ("Trường hợp cần xác minh điều kiện kết hôn thì thời hạn giải quyết không quá",
     "Nếu phải xác minh: tối đa"),
    ("Trường hợp cần xác minh thì thời hạn giải quyết không quá", "Nếu phải xác minh: tối đa"),
    ("kể từ ngày nhận đủ hồ sơ hợp lệ", "kể từ khi hồ sơ đủ"),
    ("Số định danh cá nhân", "Số thẻ căn cước"),
    ("người yêu cầu", "bạn"),
    ("Nơi cư trú", "Địa chỉ nơi ở"),
    ("sau 15 giờ", "sau 3 giờ chiều"),
)


def plain(text: str) -> str:
    """``text`` with the catalogue's legal phrases in plain words."""
    for legal, simple in PHRASES:
        text = text.replace(legal, simple)
    return text
