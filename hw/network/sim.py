"""In-memory network: a few invented Wi-Fi networks, passwords checked, state kept."""

from __future__ import annotations

import threading

from hw.network import Network, NetworkError, NetworkState, WifiNetwork, strongest_per_ssid

DEFAULT_NETWORKS = {
    "UBND-Xa-Mau": ("WPA2", 78, "matkhau123"),
    "Dien thoai cua can bo": ("WPA2", 52, "hotspot88"),
    "Quan ca phe": ("", 35, None),
}


class SimNetwork(Network):
    def __init__(
        self, networks: dict[str, tuple[str, int, str | None]] | None = None,
        connected_to: str | None = None, connectivity: str = "full",
    ) -> None:
        self.networks = dict(DEFAULT_NETWORKS if networks is None else networks)
        self._ssid = connected_to
        self.connectivity = connectivity
        self._lock = threading.Lock()

    def scan(self) -> list[WifiNetwork]:
        with self._lock:
            return strongest_per_ssid([
                WifiNetwork(ssid, signal, security, ssid == self._ssid)
                for ssid, (security, signal, _) in self.networks.items()
            ])

    def connect(self, ssid: str, password: str | None = None) -> NetworkState:
        with self._lock:
            if ssid not in self.networks:
                raise NetworkError(
                    "network.not_found", f"Không thấy mạng {ssid}.", f"no SSID {ssid!r}"
                )
            expected = self.networks[ssid][2]
            if expected is not None and password != expected:
                raise NetworkError(
                    "network.wrong_password",
                    f"Sai mật khẩu mạng {ssid}.",
                    f"{ssid}: secrets were required, but not provided or wrong",
                )
            self._ssid = ssid
        return self.state()

    def disconnect(self) -> None:
        with self._lock:
            self._ssid = None

    def state(self) -> NetworkState:
        with self._lock:
            if self._ssid is None:
                return NetworkState(False, connectivity="none")
            return NetworkState(True, self._ssid, "wlan0", self.connectivity)
