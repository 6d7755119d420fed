"""Building a process's long-lived objects from the configuration, the same way everywhere.

The UI, the sync daemon and the commands each call these once at start-up, so where the device
key lives and how the store is opened are decided in one place.
"""

from __future__ import annotations

from pathlib import Path

from appliance.clock import Clock
from appliance.config import KioskConfig
from appliance.crypto import DeviceKey
from appliance.store import Store


def device_key_path(config: KioskConfig) -> Path:
    return config.data_dir / "secrets" / "device.key"


def clock(config: KioskConfig) -> Clock:
    return Clock(config.kiosk.clock)


def open_store(config: KioskConfig, clock_: Clock | None = None) -> Store:
    return Store.open(
        config.data_dir, reserve_mb=config.storage.reserve_mb, clock=clock_ or clock(config)
    )


def device_key(config: KioskConfig) -> DeviceKey:
    return DeviceKey.load_or_create(device_key_path(config))
