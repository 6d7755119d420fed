"""Synthetic scanned pages: Vietnamese text on slightly grey, noisy, skewed paper.

Used by the simulated scanner's demo samples, the page-processing tests and ``bench/pages.py``.
The people and places are invented.
"""

from __future__ import annotations

import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from kioskbase.fonts import find_font

A4_MM = (210, 297)

_WORDS = (  # noqa: SIM905 - readable as prose
    "Ủy ban nhân dân xã đề nghị ông bà công dân nộp hồ sơ đăng ký khai sinh kết hôn chứng thực "
    "bản sao giấy tờ hộ tịch tại bộ phận một cửa trước ngày hẹn trả kết quả theo quy định của "
    "pháp luật hiện hành người yêu cầu chịu trách nhiệm về tính chính xác của thông tin khai báo "
    "trong tờ khai thường trú tạm trú thôn ấp bản làng huyện tỉnh thành phố Nguyễn Trần Lê Phạm "
    "Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Thị Văn Hữu Đức Ngọc Quỳnh Ánh Tuyết Hằng "
    "Nghĩa Ỷ Ẩn Ừng Ơn Ưng Ở Ữ Ỹ Ỵ Ặ Ẵ Ẳ Ầ Ẩ Ẫ Ậ Ề Ể Ễ Ệ Ồ Ổ Ỗ Ộ Ờ Ở Ỡ Ợ Ừ Ử Ữ Ự"
).split()


def page_text(seed: int, lines: int = 28, words_per_line: int = 9) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(_WORDS) for _ in range(words_per_line)) for _ in range(lines)]


def render_page(
    lines: list[str], dpi: int = 300, seed: int = 0, clean: bool = False
) -> Image.Image:
    """An A4 grayscale "scan" of the given text lines at ``dpi`` (``info['dpi']`` is set).

    Unless ``clean``, the page gets what a real sheet-fed scan has: a grey paper tone, sensor noise,
    a slight blur and a small skew.
    """
    rng = np.random.default_rng(seed)
    width, height = (round(mm / 25.4 * dpi) for mm in A4_MM)
    paper = 255 if clean else 228
    page = Image.new("L", (width, height), paper)
    draw = ImageDraw.Draw(page)
    size = round(12 / 72 * dpi)  # 12 pt body text
    font = ImageFont.truetype(find_font("DejaVuSerif.ttf", "DejaVuSans.ttf"), size)
    margin_x, y = round(20 / 25.4 * dpi), round(25 / 25.4 * dpi)
    for line in lines:
        draw.text((margin_x, y), line, font=font, fill=35)
        y += round(size * 1.6)
        if y > height - margin_x:
            break
    if clean:
        page.info["dpi"] = (dpi, dpi)
        return page
    page = page.rotate(float(rng.uniform(-0.6, 0.6)), resample=Image.BICUBIC, fillcolor=paper)
    page = page.filter(ImageFilter.GaussianBlur(0.6 * dpi / 300))
    arr = np.asarray(page, dtype=np.int16) + rng.normal(0, 9, (height, width)).astype(np.int16)
    scanned = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    scanned.info["dpi"] = (dpi, dpi)
    return scanned
