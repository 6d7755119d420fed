"""SANE scanners through ``scanimage`` (Debian ``sane-utils``), sheet-fed or flatbed.

One ``scanimage --batch --batch-print`` run per scan: it prints each page's file name as soon as the
page is written, so ``on_page`` fires while later sheets are still feeding. A sheet-fed device runs
until SANE reports "Document feeder out of documents"; a device with no ADF source scans one page.
Errors are classified from scanimage's stderr lines, which are stable across SANE releases.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from PIL import Image

from hw.errors import MissingDependency
from hw.scanner import PageCallback, ScannedPage, Scanner, ScannerError, no_paper
from hw.status import DeviceStatus, failed, ok

INSTALL = "apt install sane-utils"
_NO_DOCS = "Document feeder out of documents"
_SOURCE_RE = re.compile(r"^\s*--source\s+(.+?)\s*(?:\[(.*)\])?\s*$")


def _errors(stderr: str) -> ScannerError:
    """The scanner error named by scanimage's stderr."""
    lowered = stderr.lower()
    table = (
        ("jammed", "scanner.jam", "Giấy bị kẹt trong máy quét. Xin mời gọi cán bộ hỗ trợ."),
        ("cover", "scanner.cover_open", "Nắp máy quét đang mở. Xin mời gọi cán bộ hỗ trợ."),
        ("device busy", "scanner.busy", "Máy quét đang bận. Xin vui lòng thử lại."),
        ("open of device", "scanner.offline", "Không kết nối được máy quét. Xin mời gọi cán bộ."),
        ("no scanners", "scanner.offline", "Không kết nối được máy quét. Xin mời gọi cán bộ."),
    )
    last = stderr.strip().splitlines()[-1] if stderr.strip() else "scanimage failed"
    for needle, code, vi in table:
        if needle in lowered:
            return ScannerError(code, vi, last)
    return ScannerError("scanner.failed", "Máy quét bị lỗi. Xin mời gọi cán bộ hỗ trợ.", last)


class SaneScanner(Scanner):
    def __init__(
        self,
        device: str,
        resolution: int = 300,
        mode: str = "Gray",
        scanimage: str = "scanimage",
        timeout_s: float = 300.0,
    ) -> None:
        exe = shutil.which(scanimage)
        if exe is None:
            raise MissingDependency("scanimage (SANE)", INSTALL)
        self.exe = exe
        self.device = device
        self.resolution = resolution
        self.mode = mode
        self.timeout_s = timeout_s
        self._adf_source: str | bool | None = False  # False = not probed yet

    def adf_source(self) -> str | None:
        """The device's document-feeder source name, or None for a flatbed-only device."""
        if self._adf_source is False:
            proc = subprocess.run(
                [self.exe, "-d", self.device, "-A"],
                capture_output=True, text=True, timeout=60, check=False,
            )
            if proc.returncode != 0:
                raise _errors(proc.stderr)
            self._adf_source = None
            for line in proc.stdout.splitlines():
                match = _SOURCE_RE.match(line)
                if match:
                    choices = [c.strip() for c in match.group(1).split("|")]
                    adf = [c for c in choices if "adf" in c.lower() or "feeder" in c.lower()]
                    self._adf_source = adf[0] if adf else None
        source = self._adf_source
        return source if isinstance(source, str) and source else None

    def scan(self, on_page: PageCallback | None = None) -> list[ScannedPage]:
        source = self.adf_source()
        pages: list[ScannedPage] = []
        with tempfile.TemporaryDirectory(prefix="kiosk-scan-") as tmp:
            cmd = [
                self.exe, "-d", self.device, "--format=pnm", "--mode", self.mode,
                "--resolution", str(self.resolution),
                f"--batch={Path(tmp) / 'page-%04d.pnm'}", "--batch-print",
            ]
            cmd += ["--source", source] if source else ["--batch-count=1"]
            # stderr goes to a file (a full pipe would stall scanimage); a timer ends a hung scan.
            with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as errors, subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=errors, text=True
            ) as proc:
                watchdog = threading.Timer(self.timeout_s, proc.kill)
                watchdog.start()
                try:
                    assert proc.stdout is not None
                    for line in proc.stdout:
                        name = line.strip()
                        if not name:
                            continue
                        with Image.open(name) as im:
                            im.load()
                            page = ScannedPage(len(pages), im.copy(), float(self.resolution))
                        pages.append(page)
                        if on_page:
                            on_page(page)
                    proc.wait()
                finally:
                    watchdog.cancel()
                errors.seek(0)
                stderr = errors.read()
        if proc.returncode < 0:
            raise ScannerError(
                "scanner.no_answer",
                "Máy quét không phản hồi. Xin mời gọi cán bộ hỗ trợ.",
                f"scanimage killed after {self.timeout_s:.0f}s without finishing",
            )
        if _NO_DOCS in stderr or proc.returncode == 0:
            if not pages:
                raise no_paper()
            return pages
        raise _errors(stderr)

    def status(self) -> DeviceStatus:
        try:
            proc = subprocess.run(
                [self.exe, "-L"], capture_output=True, text=True, timeout=60, check=False
            )
        except subprocess.TimeoutExpired:
            return failed("scanner.no_answer", "Máy quét không trả lời.", "scanimage -L timed out")
        if f"`{self.device}'" in proc.stdout:
            return ok("scanner.sane", "Máy quét sẵn sàng.", f"SANE device {self.device} present")
        return failed(
            "scanner.offline",
            "Không tìm thấy máy quét. Kiểm tra dây cắm và nguồn.",
            f"SANE device {self.device} not listed by scanimage -L",
        )
