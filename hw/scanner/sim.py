"""Simulated scanner: pages fed by tests or the demo, else the images in a folder."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

from PIL import Image

from hw.scanner import PageCallback, ScannedPage, Scanner, ScannerError, no_paper
from hw.status import DeviceStatus, ok

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")
DEFAULT_DPI = 300.0


class SimScanner(Scanner):
    """``feed`` puts sheets in the feeder (consumed by the next scan). With nothing fed, every scan
    takes the folder's images in name order, as if staff kept a sample stack in the tray."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder else None
        self._fed: list[Image.Image] = []
        self._lock = threading.Lock()
        self.jam_after: int | None = None
        """Tests/staff: jam after this many pages of the next scan (then reset)."""

    def feed(self, pages: Iterable[Image.Image | Path]) -> None:
        loaded = []
        for page in pages:
            if isinstance(page, Path):
                with Image.open(page) as im:
                    im.load()
                    loaded.append(im.copy())
            else:
                loaded.append(page)
        with self._lock:
            self._fed.extend(loaded)

    def feed_samples(self, count: int = 2, seed: int = 0) -> None:
        """Feed synthetic text pages (demo without a sample folder)."""
        from hw.scanner.synthetic import page_text, render_page

        self.feed(render_page(page_text(seed + i, lines=12), dpi=200, seed=seed + i)
                  for i in range(count))

    def _folder_pages(self) -> list[Path]:
        if not self.folder or not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)

    def scan(self, on_page: PageCallback | None = None) -> list[ScannedPage]:
        with self._lock:
            sheets: list[Image.Image | Path] = list(self._fed) or list(self._folder_pages())
            self._fed.clear()
            jam_after, self.jam_after = self.jam_after, None
        if not sheets:
            raise no_paper()
        pages = []
        for index, sheet in enumerate(sheets):
            if jam_after is not None and index >= jam_after:
                raise ScannerError(
                    "scanner.jam",
                    "Giấy bị kẹt trong máy quét. Xin mời gọi cán bộ hỗ trợ.",
                    f"paper jam after {index} page(s)",
                )
            if isinstance(sheet, Path):
                with Image.open(sheet) as im:
                    im.load()
                    image = im.copy()
            else:
                image = sheet
            dpi = image.info.get("dpi", (DEFAULT_DPI,))[0] or DEFAULT_DPI
            page = ScannedPage(index, image, float(dpi))
            pages.append(page)
            if on_page:
                on_page(page)
        return pages

    def status(self) -> DeviceStatus:
        return ok("scanner.sim", "Máy quét mô phỏng sẵn sàng.", "simulated scanner ready")
