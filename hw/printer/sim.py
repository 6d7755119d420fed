"""Simulated printer: real ESC/POS bytes (python-escpos ``Dummy``) and what they would print.

Each slip (everything up to ``cut()``) is written as ``slip-NNNN.bin`` (the ESC/POS bytes),
``slip-NNNN.png`` (decoded back from those bytes, so it shows exactly what the head would burn) and
``slip-NNNN.pdf`` (the PNG at the printer's 203 dpi, for viewing and archiving). Paper can be set
"out" by tests and staff with :meth:`set_paper`, or from a shell by writing ``out``, ``near_end`` or
``ok`` into the file ``PAPER`` in the output folder.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from hw.printer import (
    DOTS_PER_MM,
    PaperState,
    Printer,
    PrinterError,
    PrinterStatus,
    paper_out_error,
)
from hw.printer.raster import bands, decode_raster, to_raster

if TYPE_CHECKING:
    from escpos.printer import Dummy  # untyped library: Any to the checker

DPI = round(DOTS_PER_MM * 25.4)


class SimPrinter(Printer):
    def __init__(self, out_dir: Path, width_dots: int) -> None:
        from escpos.printer import Dummy

        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.width_dots = width_dots
        self._dummy_cls = Dummy
        self._dummy = self._new_dummy()
        self._lock = threading.Lock()
        self._paper = PaperState.OK
        self.jobs: list[Path] = []
        """The ``.png`` of every slip written, oldest first."""

    def _new_dummy(self) -> Dummy:
        dummy = self._dummy_cls(profile="default")
        dummy.profile.profile_data["media"]["width"]["pixels"] = self.width_dots
        return dummy

    def set_paper(self, state: PaperState) -> None:
        self._paper = PaperState(state)

    def _paper_state(self) -> PaperState:
        marker = self.out_dir / "PAPER"
        if marker.exists():
            try:
                return PaperState(marker.read_text(encoding="utf-8").strip())
            except ValueError:
                return PaperState.UNKNOWN
        return self._paper

    def status(self) -> PrinterStatus:
        return PrinterStatus(self._paper_state(), True)

    def print_image(self, image: Image.Image) -> None:
        if self._paper_state() is PaperState.OUT:
            raise paper_out_error()
        raster = to_raster(image, self.width_dots)
        with self._lock:
            for band in bands(raster):
                self._dummy.image(band, impl="bitImageRaster", center=False)

    def cut(self) -> None:
        with self._lock:
            self._dummy.cut()
            data = self._dummy.output
            self._dummy = self._new_dummy()
        printed = decode_raster(data)
        if printed is None:
            raise PrinterError("printer.empty_job", "Không có gì để in.", "cut() with no image")
        stem = self.out_dir / f"slip-{self._next_number():04d}"
        stem.with_suffix(".bin").write_bytes(data)
        printed.save(stem.with_suffix(".png"), dpi=(DPI, DPI))
        from hw.pdf import images_to_pdf

        printed.info["dpi"] = (DPI, DPI)
        stem.with_suffix(".pdf").write_bytes(images_to_pdf([printed]))
        self.jobs.append(stem.with_suffix(".png"))

    def _next_number(self) -> int:
        """After the highest slip already in the folder, so earlier runs are never overwritten."""
        numbers = [int(p.stem[5:]) for p in self.out_dir.glob("slip-*.bin") if p.stem[5:].isdigit()]
        return max(numbers, default=0) + 1
