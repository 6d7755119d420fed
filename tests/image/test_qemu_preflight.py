"""The image test's QEMU command line starts on a machine with only the listed Debian packages.

CI installs its packages with ``--no-install-recommends`` (.ci/install-system-packages), as
``make image`` installs host-packages.txt, so ``qemu-system-aarch64`` here has no ipxe-qemu and no
other Recommends: the very situation in which `make image-test` used to stop with
``failed to find romfile "efi-virtio.rom"``. The real QEMU builds the real machine (paused: no
arm64 kernel is needed); ``make -C image-build host-check`` does the same in a clean Debian 12
chroot with the image's own kernel.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "image-build"
sys.path.insert(0, str(BUILD))
import qemu_preflight  # noqa: E402  (image-build is scripts, not a package)
from qemu_test import kernel_cmdline, qemu_command  # noqa: E402


def test_the_image_tests_qemu_builds_its_machine(tmp_path):
    run = subprocess.run([sys.executable, str(BUILD / "qemu_preflight.py"), "--work",
                          str(tmp_path)], capture_output=True, text=True, timeout=120)
    report = json.loads(run.stdout)
    assert run.returncode == 0, report
    assert report["ok"] and report["status"] == "prelaunch"


def test_a_missing_qemu_file_is_reported_with_qemus_reason(tmp_path):
    kernel, initrd = qemu_preflight.placeholders(tmp_path)
    disk = tmp_path / "disk.img"
    disk.write_bytes(bytes(2**20))
    cmd = qemu_command(disk, kernel, initrd, kernel_cmdline("preflight"), 1)
    cmd += ["-netdev", "user,id=extra", "-device",
            "virtio-net-pci,netdev=extra,romfile=kiosk-test-no-such.rom"]
    with pytest.raises(qemu_preflight.QemuFailed, match=r"kiosk-test-no-such\.rom"):
        qemu_preflight.check(cmd, paused=True, timeout=60)


def test_no_qemu_on_the_machine_names_the_package(tmp_path):
    run = subprocess.run([sys.executable, str(BUILD / "qemu_preflight.py"), "--work",
                          str(tmp_path)], capture_output=True, text=True, timeout=60,
                         env={"PATH": str(tmp_path)})
    assert run.returncode == 1
    assert "install qemu-system-arm" in json.loads(run.stdout)["error"]
