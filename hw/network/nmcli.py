"""NetworkManager through ``nmcli -t`` (terse, script-stable output).

Terse mode separates fields with ``:`` and escapes ``:`` and ``\\`` inside values with a backslash;
:func:`split_terse` undoes that. Errors are classified by nmcli's documented exit codes.
The Wi-Fi password goes on nmcli's command line (``device wifi connect … password …``), visible to
local processes for the seconds the command runs: acceptable on a single-purpose kiosk with no
other users, and it never reaches a log.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from hw.errors import MissingDependency
from hw.network import Network, NetworkError, NetworkState, WifiNetwork, strongest_per_ssid

CONNECT_WAIT_S = 45

# nmcli(1) "EXIT STATUS"
_EXIT = {
    2: ("network.invalid", "Thông tin mạng không hợp lệ.", "invalid input to nmcli"),
    3: ("network.timeout", "Kết nối mạng quá lâu, chưa thành công.", "timeout expired"),
    4: ("network.activation_failed", "Không kết nối được mạng.", "connection activation failed"),
    8: ("network.nm_not_running", "Dịch vụ mạng không chạy.", "NetworkManager is not running"),
    10: ("network.not_found", "Không thấy mạng này.", "connection, device or AP not found"),
}


def split_terse(line: str) -> list[str]:
    """Fields of one ``nmcli -t`` line, with ``\\:`` and ``\\\\`` unescaped."""
    fields, current, escaped = [], [], False
    for ch in line:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ":":
            fields.append("".join(current))
            current = []
        else:
            current.append(ch)
    fields.append("".join(current))
    return fields


class NmcliNetwork(Network):
    def __init__(self, nmcli: str = "nmcli", ifname: str | None = None) -> None:
        exe = shutil.which(nmcli)
        if exe is None:
            raise MissingDependency("nmcli (NetworkManager)", "apt install network-manager")
        self.exe = exe
        self.ifname = ifname

    def _run(self, *args: str, timeout: float = 30) -> str:
        try:
            proc = subprocess.run(
                [self.exe, *args], capture_output=True, text=True, timeout=timeout, check=False,
                env={**os.environ, "LC_ALL": "C"},  # untranslated messages to classify
            )
        except subprocess.TimeoutExpired:
            raise NetworkError(*_EXIT[3]) from None
        if proc.returncode != 0:
            message = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
            if "secrets were required" in message.lower() or "802-1x" in message.lower():
                raise NetworkError(
                    "network.wrong_password", "Sai mật khẩu mạng. Xin nhập lại.", message
                )
            code, vi, en = _EXIT.get(
                proc.returncode, ("network.failed", "Lỗi mạng.", f"nmcli exit {proc.returncode}")
            )
            raise NetworkError(code, vi, f"{en}: {message}" if message else en)
        return proc.stdout

    def scan(self) -> list[WifiNetwork]:
        out = self._run("-t", "-f", "IN-USE,SSID,SIGNAL,SECURITY", "device", "wifi", "list",
                        "--rescan", "auto")
        networks = []
        for line in out.splitlines():
            if not line.strip():
                continue
            in_use, ssid, signal, security = split_terse(line)[:4]
            networks.append(WifiNetwork(
                ssid, int(signal) if signal.isdigit() else 0,
                "" if security in ("", "--") else security, in_use.strip() == "*",
            ))
        return strongest_per_ssid(networks)

    def connect(self, ssid: str, password: str | None = None) -> NetworkState:
        args = ["--wait", str(CONNECT_WAIT_S), "device", "wifi", "connect", ssid]
        if password:
            args += ["password", password]
        if self.ifname:
            args += ["ifname", self.ifname]
        self._run(*args, timeout=CONNECT_WAIT_S + 15)
        return self.state()

    def state(self) -> NetworkState:
        out = self._run("-t", "-f", "DEVICE,TYPE,STATE,CONNECTION", "device", "status")
        connectivity = self._run("-t", "-f", "CONNECTIVITY", "general").strip() or "unknown"
        active = None
        for line in out.splitlines():
            device, kind, state, connection = [*split_terse(line), "", "", ""][:4]
            if not state.startswith("connected") or kind in ("loopback", "bridge", "tun"):
                continue
            if active is None or kind == "wifi":
                active = (device, kind, connection)
        if active is None:
            return NetworkState(False, connectivity=connectivity)
        device, kind, connection = active
        return NetworkState(True, connection if kind == "wifi" else None, device, connectivity)
