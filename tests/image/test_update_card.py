"""`image-build/update_card.py`: a new system onto a kiosk's card, its data partition untouched.

Small synthetic disk images with the real layout (MBR, FAT boot, root, data), built with the
same tools as `make image` (sfdisk, mkfs.vfat, mtools)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
UPDATE = REPO / "image-build" / "update_card.py"
MIB = 1 << 20
BOOT, ROOT, DATA = (1, 4), (5, 8), (13, 4)  # (start MiB, size MiB)


def region(path: Path, part: tuple[int, int]) -> bytes:
    with path.open("rb") as f:
        f.seek(part[0] * MIB)
        return f.read(part[1] * MIB)


def put(path: Path, part: tuple[int, int], data: bytes) -> None:
    with path.open("r+b") as f:
        f.seek(part[0] * MIB)
        f.write(data)


def disk(path: Path, boot_files: dict[str, str], root_fill: bytes, data_fill: bytes,
         root: tuple[int, int] = ROOT) -> Path:
    data = (root[0] + root[1], DATA[1]) if root != ROOT else DATA
    path.write_bytes(b"")
    subprocess.run(["truncate", "-s", f"{data[0] + data[1]}M", str(path)], check=True)
    table = "label: dos\nunit: sectors\n" + "".join(
        f"start={s * 2048}, size={n * 2048}, type={t}\n"
        for (s, n), t in ((BOOT, "c"), (root, "83"), (data, "83")))
    subprocess.run(["sfdisk", "--quiet", str(path)], input=table, text=True, check=True)
    fat = path.with_suffix(".fat")
    fat.unlink(missing_ok=True)
    subprocess.run(["mkfs.vfat", "-C", str(fat), str(BOOT[1] * 1024)], check=True,
                   capture_output=True)
    for name, text in boot_files.items():
        src = path.parent / name
        src.write_text(text, encoding="utf-8")
        subprocess.run(["mcopy", "-i", str(fat), str(src), f"::{name}"], check=True)
        src.unlink()
    put(path, BOOT, fat.read_bytes())
    put(path, root, (root_fill * (root[1] * MIB // len(root_fill) + 1))[: root[1] * MIB])
    put(path, data, (data_fill * (data[1] * MIB // len(data_fill) + 1))[: data[1] * MIB])
    return path


def boot_file(path: Path, name: str) -> str:
    return subprocess.run(["mtype", "-i", f"{path}@@{BOOT[0] * MIB}", f"::{name}"],
                          capture_output=True, text=True, check=True).stdout


def run_update(new: Path, card: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(UPDATE), str(new), str(card)],
                          capture_output=True, text=True)


NEW_BOOT = {"config.txt": "arm_64bit=1\nkernel=vmlinuz-6.1.0-99-arm64\n",
            "cmdline.txt": "console=tty1 root=LABEL=KIOSKROOT ro quiet\n",
            "kiosk.toml": "# template: fill in\n"}


@pytest.fixture
def card(tmp_path: Path) -> Path:
    """A kiosk in service: provisioned kiosk.toml, a gateway CA, a rotated panel, dossiers."""
    return disk(tmp_path / "card.img", {
        "config.txt": "arm_64bit=1\nkernel=vmlinuz-6.1.0-57-arm64\ndisplay_lcd_rotate=2\n",
        "cmdline.txt": "console=tty1 root=LABEL=KIOSKROOT ro quiet video=DSI-1:800x480@60,"
                       "rotate=180\n",
        "kiosk.toml": '[kiosk]\nid = "K07"\n[provision]\nstaff_pin = ""\n',
        "gateway-ca.pem": "-----BEGIN CERTIFICATE-----\nsynthetic\n",
        "provision-result.txt": "OK: kiosk provisioned\r\n",
    }, b"old system ", b"DOSSIERS OF THE COMMUNE ")


def test_new_system_old_data_and_the_technicians_boot_files(tmp_path: Path, card: Path) -> None:
    new = disk(tmp_path / "new.img", NEW_BOOT, b"new system ", b"empty data ")
    data_before = hashlib.sha256(region(card, DATA)).hexdigest()
    out = run_update(new, card)
    assert out.returncode == 0, out.stderr
    assert region(card, ROOT) == region(new, ROOT)
    assert hashlib.sha256(region(card, DATA)).hexdigest() == data_before
    assert boot_file(card, "kiosk.toml").startswith('[kiosk]\nid = "K07"')
    assert boot_file(card, "gateway-ca.pem").startswith("-----BEGIN CERTIFICATE-----")
    assert boot_file(card, "provision-result.txt").startswith("OK")
    assert "6.1.0-99" in boot_file(card, "config.txt")  # the new kernel boots
    assert "display_lcd_rotate=2" in out.stdout and "rotate=180" in out.stdout  # told, not copied
    assert "display_lcd_rotate" not in boot_file(card, "config.txt")


def test_a_changed_layout_is_refused_and_nothing_is_written(tmp_path: Path, card: Path) -> None:
    new = disk(tmp_path / "bigger.img", NEW_BOOT, b"new system ", b"empty data ",
               root=(ROOT[0], ROOT[1] + 2))
    before = hashlib.sha256(card.read_bytes()).hexdigest()
    out = run_update(new, card)
    assert out.returncode == 2 and "partition 2 differs" in out.stderr
    assert "nothing written" in out.stderr
    assert hashlib.sha256(card.read_bytes()).hexdigest() == before


def test_not_a_disk_is_refused(tmp_path: Path, card: Path) -> None:
    junk = tmp_path / "junk.img"
    junk.write_bytes(b"\0" * MIB)
    out = run_update(junk, card)
    assert out.returncode == 2 and "no partition table" in out.stderr
