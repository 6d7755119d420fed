"""The one status shape every device seam reports, so UI, doctor and heartbeat treat them alike."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Health(StrEnum):
    OK = "ok"
    DEGRADED = "degraded"
    """Works, but needs attention soon (paper near end, weak Wi-Fi)."""
    FAILED = "failed"
    UNKNOWN = "unknown"
    """The device gave no answer. Never treated as OK (DESIGN §8)."""


@dataclass(frozen=True)
class DeviceStatus:
    state: Health
    code: str
    """Stable English code for logs, staff and scripts, e.g. ``printer.paper_out``."""
    reason_vi: str
    """Plain Vietnamese (NFC) for staff screens."""
    reason_en: str

    @property
    def ok(self) -> bool:
        return self.state is Health.OK

    def to_dict(self) -> dict[str, str]:
        return {
            "state": str(self.state),
            "code": self.code,
            "reason_vi": self.reason_vi,
            "reason_en": self.reason_en,
        }


def ok(code: str, reason_vi: str, reason_en: str) -> DeviceStatus:
    return DeviceStatus(Health.OK, code, reason_vi, reason_en)


def degraded(code: str, reason_vi: str, reason_en: str) -> DeviceStatus:
    return DeviceStatus(Health.DEGRADED, code, reason_vi, reason_en)


def failed(code: str, reason_vi: str, reason_en: str) -> DeviceStatus:
    return DeviceStatus(Health.FAILED, code, reason_vi, reason_en)


def unknown(code: str, reason_vi: str, reason_en: str) -> DeviceStatus:
    return DeviceStatus(Health.UNKNOWN, code, reason_vi, reason_en)
