"""Wall time, monotonic time, boot id and whether the wall clock can be trusted (DESIGN §4).

A Pi without an RTC that boots offline starts with a wrong date. Every event row records wall and
monotonic time, the boot id and the trust flag, and the kiosk prints no due date it cannot stand
behind until the clock is trusted: NTP-synchronised, kept by an RTC, configured as kept by the host
(desktops), or confirmed by staff for this boot.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_BOOT_ID_FILE = Path("/proc/sys/kernel/random/boot_id")
_TIMESYNC_FLAG = Path("/run/systemd/timesync/synchronized")
_RTC_DIR = Path("/sys/class/rtc/rtc0")
CLOCK_CONFIRMED_SETTING = "clock_confirmed_boot_id"


class _Settings(Protocol):
    def get_setting(self, key: str, default: object = None) -> object: ...
    def set_setting(self, key: str, value: object) -> None: ...


@dataclass(frozen=True)
class ClockStatus:
    trusted: bool
    source: str
    """``ntp``, ``rtc``, ``host``, ``staff``, ``forced`` or ``none``."""
    reason_vi: str
    reason_en: str


def boot_id() -> str:
    try:
        return _BOOT_ID_FILE.read_text(encoding="ascii").strip()
    except OSError:
        return "unknown-boot"


def _ntp_synchronised() -> bool:
    if _TIMESYNC_FLAG.exists():
        return True
    try:
        out = subprocess.run(
            ["timedatectl", "show", "-p", "NTPSynchronized", "--value"],
            capture_output=True,
            text=True,
            timeout=2,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return out.stdout.strip() == "yes"


class Clock:
    """The time source every component uses, so tests can pin time and trust."""

    def __init__(self, mode: str = "auto", *, forced_trust: bool | None = None) -> None:
        self.mode = mode
        """``auto`` (NTP, RTC or staff confirmation) or ``host`` (the OS keeps time: desktops)."""
        self._forced_trust = forced_trust
        self._boot_id = boot_id()
        self._ntp_checked: tuple[float, bool] | None = None

    def _ntp(self) -> bool:
        """NTP state, re-read at most every 30 s (events are written far more often)."""
        now = time.monotonic()
        if self._ntp_checked is None or now - self._ntp_checked[0] > 30:
            self._ntp_checked = (now, _ntp_synchronised())
        return self._ntp_checked[1]

    def wall(self) -> dt.datetime:
        return dt.datetime.now(VN_TZ)

    def monotonic(self) -> float:
        return time.monotonic()

    def boot_id(self) -> str:
        return self._boot_id

    def status(self, settings: _Settings | None = None) -> ClockStatus:
        if self._forced_trust is not None:
            word = "tin cậy" if self._forced_trust else "chưa tin cậy"
            return ClockStatus(
                self._forced_trust,
                "forced",
                f"Đồng hồ {word} (thử nghiệm)",
                f"clock trust forced to {self._forced_trust}",
            )
        if self.mode == "host":
            return ClockStatus(True, "host", "Đồng hồ do máy chủ giữ", "host keeps time")
        if self._ntp():
            return ClockStatus(True, "ntp", "Đồng hồ đã đồng bộ qua mạng", "NTP synchronised")
        if _RTC_DIR.exists():
            return ClockStatus(True, "rtc", "Đồng hồ có pin giữ giờ", "hardware RTC present")
        if settings is not None and settings.get_setting(CLOCK_CONFIRMED_SETTING) == self._boot_id:
            return ClockStatus(
                True,
                "staff",
                "Cán bộ đã xác nhận ngày giờ",
                "date and time confirmed by staff for this boot",
            )
        return ClockStatus(
            False,
            "none",
            "Chưa xác nhận được ngày giờ: cán bộ cần kiểm tra đồng hồ trong chế độ quản trị",
            "wall clock not trusted: no NTP sync, no RTC, not confirmed by staff this boot",
        )

    def trusted(self, settings: _Settings | None = None) -> bool:
        return self.status(settings).trusted

    def confirm(self, settings: _Settings) -> None:
        """Staff confirmed the date and time shown on screen for this boot."""
        settings.set_setting(CLOCK_CONFIRMED_SETTING, self._boot_id)

