"""The kiosk's Wi-Fi as a NetworkManager keyfile profile (the format we own; see DESIGN notes).

Written by ``kiosk provision`` into the folder NetworkManager is configured to read
(``[keyfile] path=`` in image-build/rootfs/etc/NetworkManager/conf.d/kiosk.conf), mode 0600.
"""

from __future__ import annotations

import configparser
import re
import uuid

PROFILE_NAME = "kiosk-wifi"
_NAMESPACE = uuid.UUID("6f1d2c1e-4b0a-4c55-9a53-6b6b1c0de7a1")
_PLAIN_SSID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.\-]*[A-Za-z0-9_.\-]$|^[A-Za-z0-9]$")


def check_ssid(ssid: str) -> str | None:
    """Why ``ssid`` is unusable, or None."""
    size = len(ssid.encode("utf-8"))
    if not 1 <= size <= 32:
        return f"expected 1–32 bytes, got {size}"
    return None


def check_psk(psk: str) -> str | None:
    """Why ``psk`` is not a WPA passphrase (8–63 printable ASCII) or raw key (64 hex), or None."""
    if re.fullmatch(r"[0-9A-Fa-f]{64}", psk):
        return None
    if not 8 <= len(psk) <= 63:
        return f"expected 8–63 characters, got {len(psk)}"
    if not all(" " <= ch <= "~" for ch in psk):
        return "expected printable ASCII characters only"
    return None


def _escape(value: str) -> str:
    """GKeyFile escaping for a string value; every space as ``\\s`` so none is trimmed."""
    return value.replace("\\", "\\\\").replace(" ", "\\s")


def _unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            out.append({"s": " ", "n": "\n", "t": "\t", "r": "\r"}.get(value[i + 1],
                                                                        value[i + 1]))
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def _ssid_value(ssid: str) -> str:
    if _PLAIN_SSID.match(ssid):
        return ssid
    return "".join(f"{b};" for b in ssid.encode("utf-8"))  # NM's byte-list form, any bytes


def keyfile(ssid: str, psk: str, *, hidden: bool = False) -> str:
    """Keyfile text for a WPA-PSK (or open, when ``psk`` is empty) network that retries forever."""
    lines = [
        "[connection]",
        f"id={PROFILE_NAME}",
        f"uuid={uuid.uuid5(_NAMESPACE, ssid)}",
        "type=wifi",
        "autoconnect=true",
        "autoconnect-retries=0",
        "",
        "[wifi]",
        "mode=infrastructure",
        f"ssid={_ssid_value(ssid)}",
    ]
    if hidden:
        lines.append("hidden=true")
    if psk:
        lines += ["", "[wifi-security]", "key-mgmt=wpa-psk", f"psk={_escape(psk)}"]
    lines += ["", "[ipv4]", "method=auto", "", "[ipv6]", "method=auto",
              "addr-gen-mode=stable-privacy", ""]
    return "\n".join(lines)


def read_psk(text: str) -> str:
    """The passphrase stored in a profile written by :func:`keyfile` ("" if none)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    return _unescape(parser.get("wifi-security", "psk", fallback=""))


def read_ssid(text: str) -> str:
    """The SSID stored in a profile written by :func:`keyfile`."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    raw = parser.get("wifi", "ssid", fallback="")
    if raw.endswith(";") and all(p.isdigit() for p in raw[:-1].split(";")):
        return bytes(int(p) for p in raw[:-1].split(";")).decode("utf-8", errors="replace")
    return raw
