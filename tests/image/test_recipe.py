"""Fast structural checks of the device recipe: units, mounts, image build scripts (no build)."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from appliance.config import parse
from appliance.provisioning import Layout, provision

REPO = Path(__file__).resolve().parents[2]
SYSTEMD = REPO / "systemd"
BUILD = REPO / "image-build"
sys.path.insert(0, str(BUILD))
import mirror  # noqa: E402  (image-build is scripts, not a package)
import requirements  # noqa: E402

HOST_UNITS = Path("/usr/lib/systemd/system")
needs_systemd = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None or not HOST_UNITS.is_dir(),
    reason="systemd-analyze and systemd's own units are not installed (package systemd)",
)


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    # configparser's documented way to keep key case; typeshed declares it a method.
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(SYSTEMD / name)
    return parser


def scratch_root(tmp_path: Path) -> Path:
    """A root with systemd's units, ours, and stand-ins for the executables they start."""
    root = tmp_path / "root"
    shutil.copytree(HOST_UNITS, root / "usr/lib/systemd/system", symlinks=True)
    units = root / "etc/systemd/system"
    units.mkdir(parents=True)
    for path in SYSTEMD.glob("*.service"):
        shutil.copy(path, units)
    for exe in ("opt/kiosk/venv/bin/kiosk", "usr/local/lib/kiosk/grow-data",
                "usr/local/lib/kiosk/selftest", "bin/hostname", "bin/sh"):
        target = root / exe
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("#!/bin/sh\n")
        target.chmod(0o755)
    return root


def verify(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BUILD / "verify-units.sh"), str(root)], capture_output=True,
                          text=True, timeout=60)


@needs_systemd
def test_units_verify_and_sync_sandbox_rates_ok(tmp_path):
    result = verify(scratch_root(tmp_path))
    assert result.returncode == 0, result.stderr
    score = float(re.search(r"exposure ([0-9.]+)", result.stdout).group(1))
    assert score <= 3.0


@needs_systemd
@pytest.mark.parametrize(
    ("unit_name", "old", "new"),
    [
        ("kiosk-sync.service", "Restart=always", "Restart=always\nRestartSecs=5"),
        ("kiosk-ui.service", "/opt/kiosk/venv/bin/kiosk run", "/opt/kiosk/bin/kiosk run"),
        # Without its sandbox the sync service rates far above 3.0.
        ("kiosk-sync.service", "SystemCallFilter=@system-service\n", ""),
    ],
)
def test_verify_catches_a_broken_unit(tmp_path, unit_name, old, new):
    root = scratch_root(tmp_path)
    path = root / "etc/systemd/system" / unit_name
    text = path.read_text()
    assert old in text
    if unit_name == "kiosk-sync.service" and not new:  # strip the whole sandbox
        text = text.split("# Sandbox")[0] + "\n[Install]\nWantedBy=multi-user.target\n"
    path.write_text(text.replace(old, new))
    assert verify(root).returncode != 0


def test_ui_unit_is_a_watchdogged_console_service_that_restarts_forever():
    ui = unit("kiosk-ui.service")
    svc = ui["Service"]
    assert svc["Type"] == "notify" and svc["NotifyAccess"] == "main"
    assert int(svc["WatchdogSec"].rstrip("s")) > 0
    assert svc["Restart"] == "always" and ui["Unit"]["StartLimitIntervalSec"] == "0"
    assert svc["User"] == "kiosk"
    assert set(svc["SupplementaryGroups"].split()) == {"video", "render", "input"}
    assert svc["TTYPath"] == "/dev/tty1" and svc["Environment"]  # KMS/DRM on the console
    assert "getty@tty1.service" in ui["Unit"]["Conflicts"]
    assert "/var/lib/kiosk" in ui["Unit"]["RequiresMountsFor"]


def test_sync_unit_writes_only_the_data_folder():
    svc = unit("kiosk-sync.service")["Service"]
    assert svc["ProtectSystem"] == "strict" and svc["ReadWritePaths"] == "/var/lib/kiosk"
    assert svc["NoNewPrivileges"] == "yes" and svc["PrivateTmp"] == "yes"
    assert set(svc["RestrictAddressFamilies"].split()) == {"AF_UNIX", "AF_INET", "AF_INET6"}
    assert unit("kiosk-sync.service")["Unit"]["ConditionPathExists"] == (
        "!/var/lib/kiosk/unconfigured.json")


def test_provision_runs_before_network_ui_and_sync_and_needs_the_partitions():
    u = unit("kiosk-provision.service")["Unit"]
    for later in ("NetworkManager.service", "kiosk-ui.service", "kiosk-sync.service"):
        assert later in u["Before"]
    assert set(u["RequiresMountsFor"].split()) == {"/boot/firmware", "/var/lib/kiosk", "/data"}


def test_fstab_root_read_only_data_read_write_and_binds_on_data():
    rows = [line.split() for line in (SYSTEMD / "fstab").read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    by_mount = {r[1]: r for r in rows}
    assert "ro" in by_mount["/"][3].split(",")
    assert by_mount["/data"][0] == "LABEL=KIOSKDATA" and "rw" in by_mount["/data"][3].split(",")
    for target in ("/var/lib/kiosk", "/var/log/journal"):
        assert by_mount[target][0].startswith("/data/") and "bind" in by_mount[target][3]
    grow = unit("kiosk-grow-data.service")["Unit"]
    assert "data.mount" in grow["Before"] and "systemd-udevd.service" in grow["Before"]


def test_hardware_watchdog_drop_in():
    conf = configparser.ConfigParser()
    conf.read(SYSTEMD / "system.conf.d/kiosk-watchdog.conf")
    assert conf["Manager"]["RuntimeWatchdogSec"] and conf["Manager"]["RebootWatchdogSec"]


DEB822 = """\
Types: deb
URIs: http://mirror.internal.example/debian
Suites: bookworm bookworm-updates
Components: main

Types: deb-src
URIs: http://src.example/debian
Suites: bookworm

Types: deb
URIs: http://mirror.internal.example/debian-security
Suites: bookworm-security
Components: main
"""


def test_mirror_is_read_from_the_hosts_apt_configuration(tmp_path):
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / "debian.sources").write_text(DEB822)
    (tmp_path / "sources.list.d" / "other.list").write_text(
        "deb [arch=amd64 signed-by=/k.gpg] https://vendor.example/apt stable main\n")
    got = mirror.find_mirrors(mirror.read_entries(tmp_path), "bookworm")
    assert got == ("http://mirror.internal.example/debian",
                   "http://mirror.internal.example/debian-security")


def test_one_line_sources_and_a_missing_suite(tmp_path):
    (tmp_path / "sources.list").write_text(
        "# deb http://commented.example/debian bookworm main\n"
        "deb http://proxy.example:3142/debian/ bookworm main non-free-firmware\n")
    assert mirror.find_mirrors(mirror.read_entries(tmp_path), "bookworm") == (
        "http://proxy.example:3142/debian", None)
    with pytest.raises(LookupError):
        mirror.find_mirrors(mirror.read_entries(tmp_path), "trixie")


def test_build_scripts_name_no_mirror_host_and_use_no_loop_mounts():
    scripts = [BUILD / n for n in ("build.sh", "stage1.sh", "assemble.sh", "verify-units.sh",
                                  "wheels.sh")]
    for path in scripts:
        text = path.read_text()
        assert not re.search(r"https?://", text), f"{path.name} names a host"
        assert not re.search(r"\b(losetup|kpartx|mount -o loop)\b", text), path.name
        assert not re.search(r"^\s*mount\s+(?!-t binfmt_misc)", text, re.M), path.name
        subprocess.run(["bash", "-n", str(path)], check=True)
    stage1 = (BUILD / "stage1.sh").read_text()
    assert "--architectures=arm64" in stage1 and "non-free-firmware" in stage1
    assert "--system-site-packages" in stage1
    assembly = (BUILD / "assemble.sh").read_text()
    for tool in ("mkfs.fat", "mcopy", "mkfs.ext4", "-d ", "sfdisk", "conv=notrunc", "sha256sum"):
        assert tool in assembly


def test_image_packages_are_debian_pi_boot_packages():
    wanted = {line.strip() for line in (BUILD / "packages.txt").read_text().splitlines()
              if line.strip() and not line.startswith("#")}
    assert {"linux-image-arm64", "raspi-firmware", "firmware-brcm80211", "systemd",
            "network-manager", "python3-venv", "cloud-guest-utils"} <= wanted
    assert {"pcscd", "libccid", "python3-pyscard"} <= wanted  # the chip reader (issue 15)


def test_venv_requirements_follow_pyproject():
    reqs = requirements.requirements(REPO / "pyproject.toml", ["pi"], ["lgpio"])
    names = {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower() for r in reqs}
    assert {"kivy", "pynacl", "requests", "pyusb"} <= names and "lgpio" not in names
    assert "sdnotify" not in names  # appliance/sdnotify.py speaks the protocol itself


def test_shipped_boot_template_parses_and_an_unedited_card_says_not_configured(tmp_path):
    template = (BUILD / "kiosk.toml.template").read_text(encoding="utf-8")
    parse(template, "kiosk.toml.template")
    boot = tmp_path / "boot"
    boot.mkdir()
    (boot / "kiosk.toml").write_text(template, encoding="utf-8")
    outcome = provision(Layout(boot, tmp_path / "data", tmp_path / "system"))
    assert outcome.status == "unconfigured" and outcome.code == "boot_config_incomplete"
    assert "staff_pin" in outcome.reason_en
