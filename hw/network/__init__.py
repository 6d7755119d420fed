"""Network seam for staff mode: list Wi-Fi networks, join one (a phone hotspot too), show state.

Backends: :mod:`hw.network.nmcli` (NetworkManager) and :mod:`hw.network.sim` (in memory).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

from hw.errors import HardwareError
from hw.status import DeviceStatus, degraded, ok


@dataclass(frozen=True)
class WifiNetwork:
    ssid: str
    signal: int
    """0–100 as NetworkManager reports it."""
    security: str
    """e.g. "WPA2", "WPA1 WPA2", "" for an open network."""
    in_use: bool = False


@dataclass(frozen=True)
class NetworkState:
    connected: bool
    ssid: str | None = None
    device: str | None = None
    connectivity: str = "unknown"
    """NetworkManager's check: full, limited, portal (a login page), none, unknown."""

    @property
    def device_status(self) -> DeviceStatus:
        if not self.connected:  # the kiosk works offline: dossiers wait for the network
            return degraded(
                "network.disconnected",
                "Chưa kết nối mạng; hồ sơ được lưu và sẽ gửi khi có mạng.",
                "no network connection (dossiers wait in the queue)",
            )
        name = self.ssid or self.device or "?"
        if self.connectivity == "portal":
            return degraded(
                "network.captive_portal",
                f"Mạng {name} yêu cầu đăng nhập trên trang web; chưa ra được Internet.",
                f"{name}: captive portal",
            )
        if self.connectivity in ("limited", "none"):
            return degraded(
                "network.limited", f"Mạng {name} chưa ra được Internet.", f"{name}: no internet"
            )
        return ok("network.connected", f"Đã kết nối mạng {name}.", f"connected to {name}")


class NetworkError(HardwareError):
    pass


class Network(abc.ABC):
    @abc.abstractmethod
    def scan(self) -> list[WifiNetwork]:
        """Visible Wi-Fi networks, strongest first, one entry per SSID."""

    @abc.abstractmethod
    def connect(self, ssid: str, password: str | None = None) -> NetworkState: ...

    @abc.abstractmethod
    def state(self) -> NetworkState: ...

    def status(self) -> DeviceStatus:
        try:
            return self.state().device_status
        except HardwareError as exc:
            return exc.status


def strongest_per_ssid(networks: list[WifiNetwork]) -> list[WifiNetwork]:
    best: dict[str, WifiNetwork] = {}
    for net in networks:
        if not net.ssid:
            continue  # hidden networks cannot be chosen from a list
        current = best.get(net.ssid)
        if current is None or (net.in_use, net.signal) > (current.in_use, current.signal):
            best[net.ssid] = net
    return sorted(best.values(), key=lambda n: (-n.signal, n.ssid))
