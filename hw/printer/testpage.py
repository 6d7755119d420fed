"""The printer test page of ``kiosk doctor --print-test-page``: every Vietnamese letter, a ruler
across the full paper width and a QR code, so one glance shows font, width and print quality."""

from __future__ import annotations

import datetime as dt

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from kioskbase.fonts import find_font

LETTERS = (
    "aàáảãạ ăằắẳẵặ âầấẩẫậ eèéẻẽẹ êềếểễệ iìíỉĩị oòóỏõọ ôồốổỗộ ơờớởỡợ uùúủũụ ưừứửữự "
    "yỳýỷỹỵ đ"
)


def render_test_page(width_dots: int, kiosk_id: str, when: dt.datetime) -> Image.Image:
    import segno

    size = 26 if width_dots >= 576 else 20
    font = ImageFont.truetype(find_font(), size)
    lines = ["KIỂM TRA MÁY IN", f"Máy {kiosk_id} — {when:%d/%m/%Y %H:%M}", ""]
    words, line = LETTERS.split(), ""
    for word in words + [w.upper() for w in words]:
        candidate = f"{line} {word}".strip()
        if font.getlength(candidate) > width_dots - 16:
            lines.append(line)
            candidate = word
        line = candidate
    lines.append(line)
    qr = np.pad(np.array(segno.make(f"kiosk {kiosk_id} test", error="m").matrix, dtype=bool), 4)
    code = Image.fromarray(np.where(qr, 0, 255).astype(np.uint8).repeat(6, 0).repeat(6, 1))
    line_h = round(size * 1.4)
    height = 20 + line_h * len(lines) + 30 + code.height + 20
    page = Image.new("L", (width_dots, height), 255)
    draw = ImageDraw.Draw(page)
    for i, text in enumerate(lines):
        draw.text((8, 10 + i * line_h), text, font=font, fill=0)
    ruler_y = 20 + line_h * len(lines)
    draw.rectangle((0, ruler_y, width_dots - 1, ruler_y + 3), fill=0)
    for x in range(0, width_dots, 8 * 10):  # a tick every 10 mm
        draw.rectangle((x, ruler_y, x + 1, ruler_y + 14), fill=0)
    page.paste(code, ((width_dots - code.width) // 2, ruler_y + 30))
    return page
