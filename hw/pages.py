"""Scanned page processing: grey, normalised, fixed resolution, compact; one PDF per component.

Each page becomes a greyscale JPEG at ``TARGET_DPI``: paper tone is pushed to white and ink to
black (percentile stretch), which removes the paper's grey and most sensor noise, so the JPEG of a
text page is small while staying as readable as the original (``bench/pages.py`` measures bytes and
OCR accuracy against a lossless baseline). Pages are assembled without re-encoding (hw.pdf).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageOps

TARGET_DPI = 150
JPEG_QUALITY = 50
A4_WIDTH_MM = 210.0
INK_PERCENTILE = 1.0
PAPER_PERCENTILE = 60.0
"""Most of a document page is paper: its 60th percentile is a safe estimate of the paper tone."""


def _source_dpi(image: Image.Image, dpi: float | None) -> float:
    if dpi:
        return float(dpi)
    info = image.info.get("dpi")
    if info and info[0] and float(info[0]) > 1:
        return float(info[0])
    return image.width / (A4_WIDTH_MM / 25.4)  # no resolution known: assume an A4-wide capture


def normalise(image: Image.Image) -> Image.Image:
    """Greyscale with paper mapped to white and the darkest ink to black."""
    grey = ImageOps.exif_transpose(image).convert("L")
    arr = np.asarray(grey)
    sample = arr[::4, ::4]
    ink, paper = np.percentile(sample, (INK_PERCENTILE, PAPER_PERCENTILE))
    white = ink + max(paper - ink, 1.0) * 0.92  # a little below the paper tone: noise clips away
    lut = np.clip((np.arange(256, dtype=np.float32) - ink) * 255.0 / max(white - ink, 1.0), 0, 255)
    return Image.fromarray(lut.astype(np.uint8)[arr])


def process_page(image: Image.Image, dpi: float | None = None) -> bytes:
    """One scanned page → compact greyscale JPEG bytes at ``TARGET_DPI`` (resolution recorded)."""
    source_dpi = _source_dpi(image, dpi)
    page = normalise(image)
    scale = TARGET_DPI / source_dpi
    if abs(scale - 1.0) > 0.01:
        size = (max(1, round(page.width * scale)), max(1, round(page.height * scale)))
        page = page.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
    out = io.BytesIO()
    page.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, dpi=(TARGET_DPI, TARGET_DPI))
    return out.getvalue()


def assemble_pdf(pages: Sequence[bytes]) -> bytes:
    """One PDF (one dossier component) from processed pages, embedded as they are."""
    if not pages:
        raise ValueError("a component PDF needs at least one page")
    from hw.pdf import images_to_pdf

    return images_to_pdf(list(pages))
