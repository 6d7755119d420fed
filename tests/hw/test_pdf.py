"""hw.pdf: pages come back from a real PDF renderer (poppler) exactly as they went in."""

from __future__ import annotations

import io
import subprocess
import zlib

import pytest
from PIL import Image, ImageChops, ImageDraw

from hw.pdf import images_to_pdf


def _render(pdf: bytes, dpi: float, tmp_path) -> list[Image.Image]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", f"{dpi:g}", "-gray", str(path), str(tmp_path / "p")], check=True
    )
    return [Image.open(p).convert("L") for p in sorted(tmp_path.glob("p-*.pgm"))]


def test_one_bit_slip_is_lossless_at_its_resolution(tmp_path):
    slip = Image.new("1", (384, 200), 1)
    draw = ImageDraw.Draw(slip)
    draw.rectangle((10, 10, 120, 60), fill=0)
    draw.line((0, 199, 383, 150), fill=0, width=3)
    slip.info["dpi"] = (144, 144)  # 2 dots per point: the page maps onto whole pixels
    (page,) = _render(images_to_pdf([slip]), 144, tmp_path)
    assert page.size == slip.size
    # The embedded stream is the slip's own bits, losslessly compressed ...
    pdf = images_to_pdf([slip])
    start = pdf.index(b"stream\n") + len(b"stream\n")
    assert zlib.decompress(pdf[start:pdf.index(b"\nendstream", start)]) == slip.tobytes()
    # ... and a real renderer draws them in place (its edge sampling may move a dot or two).
    rendered = page.point(lambda v: 255 if v >= 128 else 0)
    diff = ImageChops.difference(rendered, slip.convert("L"))
    assert diff.crop((0, 0, 384, 100)).getbbox() is None  # the block, exactly
    differing = slip.width * slip.height - diff.histogram()[0]
    assert differing < 0.02 * slip.width * slip.height


def test_jpeg_pages_keep_their_bytes_size_and_order(tmp_path):
    jpegs = []
    for shade in (40, 200):
        out = io.BytesIO()
        Image.new("L", (300, 420), shade).save(out, "JPEG", dpi=(100, 100))
        jpegs.append(out.getvalue())
    pdf = images_to_pdf(jpegs)
    assert all(j in pdf for j in jpegs), "JPEG pages are embedded byte for byte"
    pages = _render(pdf, 100, tmp_path)
    assert [p.size for p in pages] == [(300, 420), (300, 420)]
    dark, light = (page.getpixel((150, 200)) for page in pages)
    assert isinstance(dark, int) and isinstance(light, int)
    assert dark < 80 < 160 < light


def test_refuses_what_it_cannot_embed():
    with pytest.raises(ValueError):
        images_to_pdf([])
    png = io.BytesIO()
    Image.new("L", (10, 10)).save(png, "PNG")
    with pytest.raises(ValueError, match="JPEG"):
        images_to_pdf([png.getvalue()])
