"""Page processing: fixed resolution, normalised, compact, legible; one PDF per component."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from hw.camera.sim import SimCamera
from hw.pages import TARGET_DPI, assemble_pdf, normalise, process_page
from hw.scanner import ScannedPage, ScannerError
from hw.scanner.camera import CameraScanner
from hw.scanner.sim import SimScanner
from hw.scanner.synthetic import page_text, render_page


@pytest.fixture(scope="module")
def page():
    return render_page(page_text(3, lines=20), dpi=200, seed=3)


def test_processed_page_is_grey_jpeg_at_target_resolution(page):
    data = process_page(page)
    out = Image.open(io.BytesIO(data))
    assert out.format == "JPEG" and out.mode == "L"
    assert out.info["dpi"] == (TARGET_DPI, TARGET_DPI)
    assert abs(out.width - 210 / 25.4 * TARGET_DPI) < 3  # A4 width at the target resolution
    png = io.BytesIO()
    page.save(png, "PNG")
    assert len(data) * 10 < len(png.getvalue())


def test_normalisation_whitens_paper_and_darkens_ink(page):
    before = np.asarray(page)
    after = np.asarray(normalise(page))
    assert np.median(before) < 240 <= np.median(after)  # grey paper became white
    assert after.min() == 0 and np.percentile(after, 0.5) < np.percentile(before, 0.5)


def test_unknown_resolution_assumes_a4_width():
    photo = Image.new("L", (2480, 3508), 230)  # 300 dpi A4 without dpi metadata
    assert Image.open(io.BytesIO(process_page(photo))).width == round(2480 * TARGET_DPI / 300)


def test_assemble_pdf_one_page_per_image(page):
    pages = [process_page(page), process_page(page.rotate(180))]
    pdf = assemble_pdf(pages)
    assert pdf.startswith(b"%PDF") and b"/Count 2" in pdf
    for jpeg in pages:
        assert jpeg[2:200] in pdf  # embedded as-is, not re-encoded
    with pytest.raises(ValueError):
        assemble_pdf([])


def test_sim_scanner_feeds_injected_then_folder_pages(tmp_path):
    for i in range(2):
        Image.new("L", (100, 140), 100 + i).save(tmp_path / f"p{i}.png")
    scanner = SimScanner(tmp_path)
    scanner.feed([Image.new("L", (10, 10), 7)])
    assert [p.image.getpixel((0, 0)) for p in scanner.scan()] == [7]
    seen: list[ScannedPage] = []
    pages = scanner.scan(on_page=seen.append)
    assert [p.image.getpixel((0, 0)) for p in pages] == [100, 101] and seen == pages


def test_sim_scanner_empty_and_jam():
    scanner = SimScanner()
    with pytest.raises(ScannerError) as exc:
        scanner.scan()
    assert exc.value.code == "scanner.no_paper"
    scanner.feed_samples(3)
    scanner.jam_after = 1
    with pytest.raises(ScannerError) as exc:
        scanner.scan()
    assert exc.value.code == "scanner.jam"


def test_camera_scanner_captures_one_page():
    camera = SimCamera(fps=100)
    camera.inject(Image.new("L", (827, 1169), 200))
    (page,) = CameraScanner(camera).scan()
    assert page.image.size == (827, 1169) and round(page.dpi) == 100
