"""Synthetic citizens for demos, load tests and benchmarks: invented people, real-looking text.

Names and addresses are drawn across the whole Vietnamese alphabet (every vowel with every tone
mark appears among them) so that encoders, fonts and decoders meet the hard letters. ID numbers
are random 12-digit strings that follow the card layout (province, century/sex digit, birth year)
but belong to nobody.
"""

from __future__ import annotations

import datetime as dt
import random

from appliance.domain.identity import Identity, IdentitySource

FAMILY = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Ông",
    "Ứng",
    "Lương",
    "Thạch",
    "Quách",
    "Ỷ",
)
MIDDLE_M = ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Công", "Xuân", "Đình", "Ngọc")
MIDDLE_F = ("Thị", "Ngọc", "Thu", "Kim", "Mỹ", "Thùy", "Diễm", "Bích", "Tuyết", "Quỳnh")
GIVEN_M = (
    "Hùng",
    "Dũng",
    "Khải",
    "Lộc",
    "Nghĩa",
    "Thắng",
    "Tuấn",
    "Vĩnh",
    "Ấn",
    "Quyết",
    "Sỹ",
    "Khôi",
    "Toản",
    "Hưởng",
    "Trọng",
    "Luỹ",
    "Ẩn",
    "Ỵ",
)
GIVEN_F = (
    "Hằng",
    "Ánh",
    "Ngọc",
    "Huyền",
    "Nguyệt",
    "Ỷ",
    "Oanh",
    "Thảo",
    "Yến",
    "Ượng",
    "Phượng",
    "Xuyến",
    "Nhữ",
    "Ẽm",
    "Quế",
    "Trinh",
    "Gấm",
    "Ửng",
)
HAMLETS = (
    "Thôn Đông",
    "Thôn Thượng",
    "Ấp Mỹ Hòa",
    "Bản Nà Ư",
    "Xóm Ổ Gà",
    "Làng Ễnh Ương",
    "Tổ dân phố Số 7",
    "Khóm Ỷ Lan",
)
COMMUNES = (
    "xã Yên Sở",
    "xã Quảng Phú",
    "phường Bến Thành",
    "xã Đắk Rơ Ông",
    "xã Ẳng Nưa",
    "thị trấn Phố Lu",
    "xã Hữu Lũng",
    "phường Ngọc Khánh",
)
PROVINCES = (
    "Hà Nội",
    "Thanh Hóa",
    "TP. Hồ Chí Minh",
    "Kon Tum",
    "Điện Biên",
    "Lào Cai",
    "Lạng Sơn",
    "Thừa Thiên Huế",
    "Bà Rịa - Vũng Tàu",
)
PROVINCE_CODES = ("001", "038", "079", "062", "011", "010", "020", "046", "077")


def person(rng: random.Random) -> Identity:
    """One invented citizen, as the chip-card QR would describe them."""
    female = rng.random() < 0.5
    name = " ".join(
        (
            rng.choice(FAMILY),
            rng.choice(MIDDLE_F if female else MIDDLE_M),
            rng.choice(GIVEN_F if female else GIVEN_M),
        )
    )
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 66))
    century_sex = (0 if birth.year < 2000 else 2) + (1 if female else 0)
    province = rng.randrange(len(PROVINCES))
    id_number = (
        f"{PROVINCE_CODES[province]}{century_sex}{birth.year % 100:02d}{rng.randrange(10**6):06d}"
    )
    address = (
        f"{rng.choice(HAMLETS)}, {rng.choice(COMMUNES)}, {PROVINCES[province]}"
        if rng.random() < 0.7
        else f"Số {rng.randrange(1, 300)}, ngõ {rng.randrange(1, 90)}, "
        f"{rng.choice(COMMUNES)}, {PROVINCES[province]}"
    )
    issued = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 4))
    old_id = f"{rng.randrange(10**9):09d}" if rng.random() < 0.4 else ""
    raw = "|".join(
        (
            id_number,
            old_id,
            name,
            birth.strftime("%d%m%Y"),
            "Nữ" if female else "Nam",
            address,
            issued.strftime("%d%m%Y"),
        )
    )
    return Identity(
        id_number=id_number,
        full_name=name,
        birth_date=birth,
        sex="Nữ" if female else "Nam",
        address=address,
        issue_date=issued,
        old_id_number=old_id or None,
        source=IdentitySource.CARD_QR,
        raw=raw,
    )


def phone(rng: random.Random) -> str:
    return "09" + "".join(str(rng.randrange(10)) for _ in range(8))
