"""1-bit raster preparation and its exact inverse for ESC/POS ``GS v 0`` bytes.

``to_raster`` is the single definition of "what gets printed" for an image; ``decode_raster`` turns
the bytes sent to a printer back into that image, which is how the simulated printer draws its PNG
and how tests prove the bytes are right.
"""

from __future__ import annotations

from collections.abc import Iterator

from PIL import Image

GS_V_0 = b"\x1dv0"
THRESHOLD = 128
BAND_HEIGHT = 128
"""Rows per GS v 0 command: small jobs avoid the USB timeouts of long rasters (escpos#628)."""


def to_raster(image: Image.Image, width_dots: int) -> Image.Image:
    """Mode "1", exactly ``width_dots`` wide: scaled down if wider, centred if narrower.

    A hard threshold (no dithering) keeps text and QR modules crisp.
    """
    if image.mode in ("RGBA", "LA", "P"):
        background = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(background, image.convert("RGBA"))
    grey = image.convert("L")
    if grey.width > width_dots:
        height = max(1, round(grey.height * width_dots / grey.width))
        grey = grey.resize((width_dots, height), Image.Resampling.LANCZOS)
    if grey.width < width_dots:
        canvas = Image.new("L", (width_dots, grey.height), 255)
        canvas.paste(grey, ((width_dots - grey.width) // 2, 0))
        grey = canvas
    return grey.point(lambda v: 255 if v >= THRESHOLD else 0, mode="1")


def bands(raster: Image.Image, height: int = BAND_HEIGHT) -> Iterator[Image.Image]:
    for top in range(0, raster.height, height):
        yield raster.crop((0, top, raster.width, min(top + height, raster.height)))


def decode_raster(data: bytes) -> Image.Image | None:
    """Stack every ``GS v 0`` image in an ESC/POS byte stream into one image (None if none)."""
    pieces: list[Image.Image] = []
    pos = data.find(GS_V_0)
    while pos != -1:
        header = data[pos + 3 : pos + 8]
        if len(header) < 5:
            raise ValueError("truncated GS v 0 header")
        width_bytes = header[1] | header[2] << 8
        height = header[3] | header[4] << 8
        start = pos + 8
        end = start + width_bytes * height
        if end > len(data):
            raise ValueError("truncated GS v 0 raster data")
        # In ESC/POS a set bit is a black dot; in Pillow's mode "1" a set bit is white.
        inverted = bytes(b ^ 0xFF for b in data[start:end])
        pieces.append(Image.frombytes("1", (width_bytes * 8, height), inverted))
        pos = data.find(GS_V_0, end)
    if not pieces:
        return None
    out = Image.new("1", (max(p.width for p in pieces), sum(p.height for p in pieces)), 1)
    top = 0
    for piece in pieces:
        out.paste(piece, (0, top))
        top += piece.height
    return out
