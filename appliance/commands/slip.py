"""``kiosk slip``: render the appointment slip (Mẫu 01) as PNG/PDF — a sample, or a dossier's."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from appliance import exitcodes
from appliance.config import KioskConfig
from appliance.domain.slip import SlipData

HELP = "render (and optionally print) a slip: a sample, or an existing dossier's"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--sample", action="store_true", help="a slip for a synthetic citizen (needs no setup)"
    )
    which.add_argument(
        "--dossier",
        metavar="CODE",
        help="reprint the slip of a stored dossier (without personal data)",
    )
    parser.add_argument("--out", metavar="FILE.png", help="write the 1-bit raster as PNG")
    parser.add_argument("--pdf", metavar="FILE.pdf", help="write the slip as a one-page PDF")
    parser.add_argument(
        "--width",
        type=int,
        choices=(80, 58),
        help="paper width in mm (default: [hardware] paper_width_mm)",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def dossier_slip_data(config: KioskConfig, code: str) -> SlipData:
    """SlipData of a stored dossier (a reprint: no personal data, which the kiosk cannot read),
    built as the touch UI builds the original (appliance.app.slips)."""
    from appliance.app import runtime, slips

    store = runtime.open_store(config)
    try:
        return slips.stored_slip(config, store, runtime.current_catalogue(store), code)
    finally:
        store.close()


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    from appliance.app.slips import render, to_pdf
    from appliance.domain.slip import WIDTHS, sample_slip
    from kioskbase.fonts import FontNotFound

    if not args.out and not args.pdf:
        print("kiosk slip: give --out FILE.png and/or --pdf FILE.pdf", file=sys.stderr)
        return exitcodes.USAGE
    width_mm = args.width or config.hardware.paper_width_mm
    width = WIDTHS[width_mm]
    try:
        data = sample_slip(config) if args.sample else dossier_slip_data(config, args.dossier)
    except LookupError as exc:
        print(f"kiosk slip: {exc}", file=sys.stderr)
        return exitcodes.FAILURE
    started = time.perf_counter()
    try:
        image = render(data, width)
    except FontNotFound as exc:
        print(f"kiosk slip: {exc}", file=sys.stderr)
        return exitcodes.FAILURE
    render_ms = (time.perf_counter() - started) * 1000
    written = {}
    try:
        if args.out:
            image.save(args.out, "PNG", dpi=(203.2, 203.2))
            written["png"] = str(Path(args.out))
        if args.pdf:
            Path(args.pdf).write_bytes(to_pdf(image))
            written["pdf"] = str(Path(args.pdf))
    except OSError as exc:
        print(f"kiosk slip: cannot write {exc.filename}: {exc.strerror}", file=sys.stderr)
        return exitcodes.FAILURE
    if args.json:
        print(
            json.dumps(
                {
                    "dossier_code": data.dossier_code,
                    "width_mm": width_mm,
                    "width_dots": image.width,
                    "height_dots": image.height,
                    "render_ms": round(render_ms, 1),
                    "qr": data.qr_text,
                    "due_vi": data.due.text_vi,
                    **written,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for kind, path in written.items():
            print(f"{kind.upper()}: {path} ({image.width}×{image.height} dots, {width_mm} mm)")
    return exitcodes.OK
