"""Errors raised by device seams, each carrying the same stable code and bilingual reason."""

from __future__ import annotations

import importlib
from types import ModuleType

from hw.status import DeviceStatus, failed
from kioskbase.errors import BilingualError

PI_EXTRA = "pip install '.[pi]'"


class HardwareError(BilingualError):
    """A device refused or failed; ``status`` says why in both languages."""

    def __str__(self) -> str:
        return self.describe()

    @property
    def status(self) -> DeviceStatus:
        return failed(self.code, self.reason_vi, self.reason_en)


class SpecError(HardwareError):
    """A backend string from ``kiosk.toml`` that names no backend."""

    def __init__(self, key: str, value: str, expected: str) -> None:
        super().__init__(
            "config.bad_device",
            f"Cấu hình thiết bị sai ở mục hardware.{key}: {value!r}.",
            f"hardware.{key}: {value!r} is not valid; expected {expected}",
        )
        self.key = key


class MissingDependency(HardwareError):
    """A backend's library or program is not installed; says exactly what to install."""

    def __init__(self, what: str, install: str) -> None:
        super().__init__(
            "hw.missing_dependency",
            f"Thiếu phần mềm cho thiết bị: {what}. Cần cài: {install}.",
            f"{what} is not installed; install it with: {install}",
        )
        self.install = install


def require(module: str, *, what: str, install: str) -> ModuleType:
    """Import a hardware library lazily, turning ImportError into an actionable message."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependency(what, install) from None
