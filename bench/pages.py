"""Scanned-page size, speed and legibility: hw.pages against a lossless PNG baseline.

Corpus: synthetic A4 "scans" at 300 dpi of Vietnamese text (grey paper, sensor noise, slight blur
and skew; hw.scanner.synthetic). For each page: bytes and milliseconds of the lossless PNG
(baseline) and of ``process_page``; OCR accuracy (tesseract ``vie``, character similarity to the
known text) of the original and of the processed page. Targets (issue 4): median ≤ 150 KB per page,
≤ 1/10 of the PNG, OCR of the processed page ≥ 95 % as accurate as of the original.

    .venv/bin/python bench/pages.py [--pages N]
"""

from __future__ import annotations

import argparse
import difflib
import io
import shutil
import statistics
import time

from PIL import Image

from hw.pages import assemble_pdf, process_page
from hw.scanner.synthetic import page_text, render_page


def ocr_accuracy(expected: list[str], image: Image.Image) -> float | None:
    """Character similarity of tesseract's reading to the text on the page (None: no tesseract)."""
    if shutil.which("tesseract") is None:
        return None
    import pytesseract

    lang = "vie" if "vie" in pytesseract.get_languages() else "eng"
    got = " ".join(pytesseract.image_to_string(image, lang=lang).split())
    return difflib.SequenceMatcher(None, " ".join(" ".join(expected).split()), got).ratio()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=6)
    args = parser.parse_args()
    print(f"{'page':>4} {'PNG KB':>8} {'PNG ms':>7} {'page KB':>8} {'page ms':>8} {'ratio':>7} "
          f"{'OCR orig':>9} {'OCR page':>9}")
    rows = []
    processed = []
    for i in range(args.pages):
        lines = page_text(100 + i, lines=30)
        page = render_page(lines, dpi=300, seed=100 + i)
        start = time.perf_counter()
        png = io.BytesIO()
        page.save(png, "PNG")
        png_ms = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        jpeg = process_page(page)
        page_ms = (time.perf_counter() - start) * 1000
        processed.append(jpeg)
        ocr_orig = ocr_accuracy(lines, page)
        ocr_page = ocr_accuracy(lines, Image.open(io.BytesIO(jpeg)))
        row = {"png": len(png.getvalue()), "png_ms": png_ms, "page": len(jpeg),
               "page_ms": page_ms, "ocr_orig": ocr_orig, "ocr_page": ocr_page}
        rows.append(row)
        ocr = (f"{ocr_orig:9.1%} {ocr_page:9.1%}" if ocr_orig is not None
               else f"{'n/a':>9} {'n/a':>9}")
        print(f"{i + 1:>4} {row['png'] / 1000:8.0f} {png_ms:7.0f} {row['page'] / 1000:8.1f} "
              f"{page_ms:8.0f} {row['page'] / row['png']:7.1%} {ocr}")
    median_kb = statistics.median(r["page"] for r in rows) / 1000
    median_ratio = statistics.median(r["page"] / r["png"] for r in rows)
    print()
    print(f"median page {median_kb:.1f} KB (target ≤ 150 KB), {median_ratio:.1%} of PNG "
          f"(target ≤ 10%), median {statistics.median(r['page_ms'] for r in rows):.0f} ms/page "
          f"vs PNG {statistics.median(r['png_ms'] for r in rows):.0f} ms")
    if rows[0]["ocr_orig"] is not None:
        relative = statistics.median(r["ocr_page"] / r["ocr_orig"] for r in rows)
        print(f"OCR of processed pages: median {relative:.1%} of the original's accuracy "
              f"(target ≥ 95%)")
    else:
        relative = None
        print("OCR not measured: tesseract is not installed (apt install tesseract-ocr-vie)")
    pdf = assemble_pdf(processed)
    print(f"one component PDF of {len(processed)} pages: {len(pdf) / 1000:.0f} KB")
    met = median_kb <= 150 and median_ratio <= 0.10 and (relative is None or relative >= 0.95)
    print("targets:", "MET" if met else "NOT MET")


if __name__ == "__main__":
    main()
