"""A bundle on a USB stick, for kiosks that never see a network (issue 16): staff mode lists the
stick's bundles and takes one. It is verified (signature against the keyring, kind of kiosk)
*before* it is copied, copied with its SHA-256 computed on the way, and then stands exactly where
a downloaded bundle would: state ``downloaded``, so install, quiet-time reboot and health check
follow the same plan. The staff member may force the reboot."""

from __future__ import annotations

from pathlib import Path

from appliance import update_state
from appliance.bundle_check import KEYRING, BundleRefused, verify
from appliance.store import Store
from appliance.update.machine import Offer, UpdateState
from kioskbase.files import copy_hashed

USB_PREFIX = "usb:"
CHUNK = 1024 * 1024


def find_bundles(mounts: list[Path]) -> list[Path]:
    """``*.raucb`` files at the top of each mounted stick, newest name last."""
    found: list[Path] = []
    for mount in mounts:
        if mount.is_dir():
            found += sorted(p for p in mount.glob("*.raucb") if p.is_file())
    return found


def take_bundle(store: Store, source: Path, directory: Path, *, running_version: str,
                keyring: Path = KEYRING) -> UpdateState:
    """Verify, copy, and record the bundle as downloaded; BundleRefused if it is not for us."""
    info = verify(source, keyring)
    if info.version == running_version:
        raise BundleRefused(f"bundle {info.version} is the version this kiosk runs")
    if store.free_bytes() - source.stat().st_size < store.reserve_bytes:
        raise BundleRefused("no room for the bundle above the store's reserve")
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        old.unlink()  # one bundle at a time
    target = directory / f"{info.version}.raucb"
    size, digest = _copy(source, target.with_suffix(".raucb.part"))
    target.with_suffix(".raucb.part").replace(target)
    offer = Offer(info.version, size, digest, USB_PREFIX + source.name)
    state = update_state.load(store, running_version)
    state = UpdateState(running=state.running or running_version).announce(offer)
    state = state.downloading(size).downloaded(digest)
    update_state.save(store, state)
    return state


def _copy(source: Path, target: Path) -> tuple[int, str]:
    return copy_hashed(source, target, CHUNK)
