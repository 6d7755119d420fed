"""Domain costs on the kiosk's hot paths, each against a bare baseline in the same run.

* slip: ``render_slip`` (wrap, fonts, QR, 1-bit) against drawing the same text lines with Pillow
  on a blank page with no layout (what any raster slip costs at least);
* ID-card QR: ``parse_card_qr`` against ``str.split('|')`` plus NFC normalisation of the payload;
* due date: ``due_date`` for a 3-working-day procedure against one ``date.weekday()`` loop over the
  same span of days.

Run: .venv/bin/python bench/domain.py [--repeat N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
import unicodedata
from collections.abc import Callable

from PIL import Image, ImageDraw

from appliance.config import KioskConfig
from appliance.domain.calendar import WorkingCalendar, due_date
from appliance.domain.catalogue import default_catalogue
from appliance.domain.idcard import parse_card_qr
from appliance.domain.slip import _font, render_slip, sample_slip, slip_text

QR = (
    "001095012345||Nguyễn Thị Ánh Tuyết|15031995|Nữ|"
    "Số 12, ngõ 34 phố Hàng Bông, phường Hoàn Kiếm, thành phố Hà Nội|20042021"
)


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median seconds per call."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    n = args.repeat

    data = sample_slip(KioskConfig())
    lines = slip_text(data).splitlines()
    font = _font("body", 576)
    render_slip(data, 576)  # warm the font cache

    def bare_slip() -> None:
        img = Image.new("L", (576, 30 * len(lines)), 255)
        draw = ImageDraw.Draw(img)
        for i, line in enumerate(lines):
            draw.text((8, 30 * i), line, font=font, fill=0)
        img.convert("1")

    def bare_qr() -> None:
        unicodedata.normalize("NFC", QR).split("|")

    calendar = WorkingCalendar.from_config(KioskConfig().calendar)
    procedure = default_catalogue().get("1.004873")
    received = dt.datetime(2026, 2, 13, 16, 0)
    due = due_date(procedure, received, calendar).when

    def bare_days() -> None:
        d = received.date()
        while d <= due.date():
            d.weekday()
            d += dt.timedelta(days=1)

    rows = [
        ("slip 80 mm (576 dots)", timed(lambda: render_slip(data, 576), n), timed(bare_slip, n)),
        ("slip 58 mm (384 dots)", timed(lambda: render_slip(data, 384), n), timed(bare_slip, n)),
        ("ID-card QR parse", timed(lambda: parse_card_qr(QR), n * 50), timed(bare_qr, n * 50)),
        ("due date, 3 working days over Tết", timed(lambda: due_date(procedure, received, calendar),
                                                    n * 10), timed(bare_days, n * 10)),
    ]
    print(f"{'operation':<36}{'median':>12}{'baseline':>12}{'ratio':>8}")
    for name, t, base in rows:
        print(f"{name:<36}{t * 1000:>10.3f}ms{base * 1000:>10.3f}ms{t / base:>8.1f}")


if __name__ == "__main__":
    main()
