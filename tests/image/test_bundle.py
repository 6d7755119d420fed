"""RAUC bundles (image-build/bundle.sh, appliance/bundle_check.py): built from a tiny synthetic
root image with a development key made by the build, accepted by ``rauc info --keyring``, and
refused — before anything is written — when signed by another key or changed by one byte.

``rauc install`` needs RAUC's D-Bus service and real slot devices, so the install itself is
exercised under QEMU (``make image-test``), not here."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from appliance.bundle_check import BundleRefused, verify

REPO = Path(__file__).resolve().parents[2]
BUNDLE_SH = REPO / "image-build" / "bundle.sh"


def _root_image(tmp: Path) -> Path:
    """A 4 MiB ext4 root with an os-release and some incompressible bytes (squashfs > 4 KiB)."""
    tree = tmp / "tree"
    (tree / "etc").mkdir(parents=True)
    (tree / "etc" / "os-release").write_text('PRETTY_NAME="kiosk test root"\n')
    (tree / "etc" / "noise").write_bytes(os.urandom(64 * 1024))
    image = tmp / "rootfs.ext4"
    subprocess.run(["mkfs.ext4", "-q", "-d", str(tree), "-L", "KIOSKROOT", str(image), "4M"],
                   check=True)
    return image


def _bundle(tmp: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BUNDLE_SH), *args], capture_output=True, text=True, check=False,
                          env={**os.environ, "KEYS_DIR": str(tmp / "keys"), **env})


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("bundle")
    done = _bundle(tmp, str(_root_image(tmp)), "2.0.0", str(tmp / "kiosk-2.0.0.raucb"))
    assert done.returncode == 0, done.stderr
    return tmp / "kiosk-2.0.0.raucb", tmp / "keys" / "dev.cert.pem"


def test_a_bundle_made_with_the_dev_key_verifies(built: tuple[Path, Path]) -> None:
    bundle, keyring = built
    info = verify(bundle, keyring)
    assert (info.version, info.compatible, info.images) == (
        "2.0.0", "commune-kiosk-arm64", ("rootfs",))
    key = keyring.with_name("dev.key.pem")
    assert key.stat().st_mode & 0o077 == 0  # the development key is private to its owner


@pytest.mark.parametrize("where", [0.001, 0.5, 0.999])
def test_one_changed_byte_anywhere_is_refused(built: tuple[Path, Path], tmp_path: Path,
                                              where: float) -> None:
    bundle, keyring = built
    data = bytearray(bundle.read_bytes())
    data[int(len(data) * where)] ^= 0x01
    changed = tmp_path / "changed.raucb"
    changed.write_bytes(data)
    with pytest.raises(BundleRefused, match="signature or bundle check failed"):
        verify(changed, keyring)


def test_a_bundle_signed_by_another_key_is_refused(built: tuple[Path, Path],
                                                   tmp_path: Path) -> None:
    _, keyring = built
    other = _bundle(tmp_path, str(_root_image(tmp_path)), "2.0.0", str(tmp_path / "o.raucb"))
    assert other.returncode == 0, other.stderr
    assert verify(tmp_path / "o.raucb", tmp_path / "keys" / "dev.cert.pem").version == "2.0.0"
    with pytest.raises(BundleRefused, match="signature"):
        verify(tmp_path / "o.raucb", keyring)


def test_a_bundle_for_another_kind_of_kiosk_is_refused(tmp_path: Path) -> None:
    done = _bundle(tmp_path, str(_root_image(tmp_path)), "2.0.0", str(tmp_path / "x.raucb"),
                   COMPATIBLE="someone-elses-device")
    assert done.returncode == 0, done.stderr
    with pytest.raises(BundleRefused, match="someone-elses-device"):
        verify(tmp_path / "x.raucb", tmp_path / "keys" / "dev.cert.pem")


def test_a_bundle_from_a_card_image_carries_boot_and_root(tmp_path: Path) -> None:
    """``make bundle``'s path: partitions 1 and 2 of a built image, by its partition table."""
    boot = tmp_path / "boot.vfat"
    subprocess.run(["mkfs.fat", "-C", str(boot), "2048"], check=True, capture_output=True)
    root = _root_image(tmp_path)
    image = tmp_path / "kiosk.img"
    image.write_bytes(b"\0" * (1 << 20) + boot.read_bytes() + root.read_bytes())
    table = (f"label: dos\nunit: sectors\nstart=2048, size={boot.stat().st_size // 512}, "
             f"type=c\nstart={2048 + boot.stat().st_size // 512}, "
             f"size={root.stat().st_size // 512}, type=83\n")
    subprocess.run(["sfdisk", "--quiet", str(image)], input=table, text=True, check=True)
    done = _bundle(tmp_path, "--from-image", str(image), "3.1.0", str(tmp_path / "c.raucb"))
    assert done.returncode == 0, done.stderr
    info = verify(tmp_path / "c.raucb", tmp_path / "keys" / "dev.cert.pem")
    assert (info.version, sorted(info.images)) == ("3.1.0", ["boot", "rootfs"])


def test_a_bad_version_is_refused_before_signing(tmp_path: Path) -> None:
    done = _bundle(tmp_path, str(_root_image(tmp_path)), "../2", str(tmp_path / "v.raucb"))
    assert done.returncode == 2 and "bad version" in done.stderr
    assert not (tmp_path / "v.raucb").exists()


# --- the USB stick path (appliance/app/usb_update.py) ---------------------------------------------


def test_a_bundle_from_a_usb_stick_is_verified_copied_and_ready_to_install(
        built: tuple[Path, Path], tmp_path: Path) -> None:
    from appliance.app.usb_update import find_bundles, take_bundle
    from appliance.store import Store
    from appliance.update.machine import Phase

    bundle, keyring = built
    stick = tmp_path / "stick"
    stick.mkdir()
    (stick / "kiosk-2.0.0.raucb").write_bytes(bundle.read_bytes())
    (stick / "notes.txt").write_text("not a bundle")
    assert find_bundles([stick, tmp_path / "absent"]) == [stick / "kiosk-2.0.0.raucb"]
    with Store.open(tmp_path / "data", reserve_mb=1) as store:
        state = take_bundle(store, stick / "kiosk-2.0.0.raucb", tmp_path / "data" / "updates",
                            running_version="1.0.0", keyring=keyring)
        assert (state.phase, state.offer.version if state.offer else None) == (
            Phase.DOWNLOADED, "2.0.0")
        assert (tmp_path / "data" / "updates" / "2.0.0.raucb").read_bytes() == bundle.read_bytes()
        assert store.sync_state()["update"] == state.to_json()


def test_a_changed_bundle_on_a_stick_is_refused_before_it_is_copied(
        built: tuple[Path, Path], tmp_path: Path) -> None:
    from appliance.app.usb_update import take_bundle
    from appliance.store import Store

    bundle, keyring = built
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0x01
    (tmp_path / "bad.raucb").write_bytes(data)
    with Store.open(tmp_path / "data", reserve_mb=1) as store:
        with pytest.raises(BundleRefused):
            take_bundle(store, tmp_path / "bad.raucb", tmp_path / "data" / "updates",
                        running_version="1.0.0", keyring=keyring)
        assert not (tmp_path / "data" / "updates").exists()
        assert "update" not in store.sync_state()
        with pytest.raises(BundleRefused, match="the version this kiosk runs"):
            take_bundle(store, bundle, tmp_path / "data" / "updates", running_version="2.0.0",
                        keyring=keyring)
