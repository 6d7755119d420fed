"""Checking an update bundle with RAUC before anything is written (issue 16).

``rauc info --keyring`` verifies the bundle's X.509 signature against the keyring in the
read-only root (for the default ``plain`` format, over every byte of the bundle) and reads its
manifest; the kiosk then checks the bundle is for this kind of kiosk. Used on a downloaded bundle
and on one from a USB stick alike; ``rauc install`` verifies again as it installs.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kioskbase.errors import BilingualError

COMPATIBLE = "commune-kiosk-arm64"
KEYRING = Path("/etc/rauc/keyring.pem")
TIMEOUT_S = 600.0
"""Verifying reads the whole bundle: ~400 MB on an SD card takes a minute or two."""


class BundleRefused(BilingualError):
    """The bundle is not signed by a trusted key, is damaged, or is for another kind of kiosk."""

    code = "bundle_refused"
    reason_vi = ("Gói cập nhật không hợp lệ (chữ ký hoặc nội dung sai). Máy vẫn chạy phiên bản "
                 "cũ; hãy báo kỹ thuật viên.")

    def __init__(self, message: str) -> None:
        super().__init__(type(self).code, type(self).reason_vi, message)


@dataclass(frozen=True)
class BundleInfo:
    version: str
    compatible: str
    images: tuple[str, ...]


def verify(bundle: Path, keyring: Path = KEYRING, *, compatible: str = COMPATIBLE,
           rauc: str = "rauc") -> BundleInfo:
    """The manifest of a bundle whose signature verifies; BundleRefused otherwise."""
    try:
        done = subprocess.run(
            [rauc, "info", f"--keyring={keyring}", "--output-format=json", str(bundle)],
            capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BundleRefused(f"rauc info could not run: {exc}") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BundleRefused(f"signature or bundle check failed: {last[:300]}")
    try:
        manifest = json.loads(done.stdout)
        info = BundleInfo(str(manifest["version"]), str(manifest["compatible"]),
                          tuple(name for image in manifest.get("images") or []
                                for name in image))
    except (ValueError, KeyError, TypeError) as exc:
        raise BundleRefused(f"rauc info gave no usable manifest: {exc}") from None
    if info.compatible != compatible:
        raise BundleRefused(f"bundle is for {info.compatible!r}, this kiosk is {compatible!r}")
    return info
