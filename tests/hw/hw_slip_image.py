"""A rendered slip-like image (Vietnamese text and a QR code) for printer tests."""

from __future__ import annotations

import numpy as np
import segno
from PIL import Image, ImageDraw, ImageFont

from kioskbase.fonts import find_font

LINES = (
    "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    "Mã hồ sơ: 000.00.00.H56-K01-260701-0001",
    "Người nộp: Nguyễn Thị Hằng Ỷ",
    "Hẹn trả: 16 giờ 30 phút, ngày 03/07/2026",
)


def slip_image(width: int = 576) -> Image.Image:
    font = ImageFont.truetype(find_font(), 22)
    qr = np.pad(np.array(segno.make("https://dichvucong.example.gov.vn/tra-cuu?ma=K01-0001",
                                    error="m").matrix, dtype=bool), 4)
    qr_img = Image.fromarray(np.where(qr, 0, 255).astype(np.uint8).repeat(6, 0).repeat(6, 1))
    height = 40 * len(LINES) + qr_img.height + 40
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(LINES):
        draw.text((8, 10 + 40 * i), line, font=font, fill=0)
    image.paste(qr_img, ((width - qr_img.width) // 2, 40 * len(LINES) + 20))
    return image.point(lambda v: 255 if v >= 128 else 0, mode="1")
