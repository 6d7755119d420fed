"""Update a kiosk's SD card to a new image, keeping its data partition (the store, its keys).

    python3 image-build/update_card.py NEW.img /dev/sdX      # the card, in a USB reader
    python3 image-build/update_card.py NEW.img card.img      # or an image file of it

Partition 2 (the read-only root) is written whole from the new image. Partition 1 (boot) is
written from the new image too, then the files the technician and provisioning left there are put
back: ``kiosk.toml`` (secrets already blanked by provisioning, so it stays "unchanged"),
``*.pem`` (a gateway CA) and ``provision-result.txt``. Lines the card's ``config.txt`` or
``cmdline.txt`` had that the new ones lack (a display rotation, say) are printed, not copied:
those files name the new kernel, so an old copy could leave the card unbootable.

Partition 3 (data) is never written. The new image must have the same partition 1 and 2 as the
card (``make image`` keeps them fixed); otherwise nothing is written and the card needs a full
flash (back up the data first: docs/technician.md). Exit status: 0 updated, 2 refused, 1 failed.
Needs ``sfdisk`` (fdisk) and mtools; run as root for a device, which must not be mounted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

KEEP = ("kiosk.toml", "provision-result.txt")
KEEP_SUFFIXES = (".pem",)
COMPARE = ("config.txt", "cmdline.txt")
SECTOR = 512
CHUNK = 4 << 20


class Refused(Exception):
    """The card cannot be updated in place; nothing was written."""


def partitions(path: Path) -> list[tuple[int, int]]:
    """(start, size) in bytes of each partition of an MBR disk or image."""
    out = subprocess.run(["sfdisk", "--json", str(path)], capture_output=True, text=True)
    if out.returncode != 0:
        raise Refused(f"{path}: no partition table ({out.stderr.strip()})")
    table = json.loads(out.stdout)["partitiontable"]
    return [(p["start"] * SECTOR, p["size"] * SECTOR) for p in table["partitions"]]


def check_layout(new: list[tuple[int, int]], card: list[tuple[int, int]]) -> None:
    if len(new) != 3 or len(card) != 3:
        raise Refused(f"expected 3 partitions, image has {len(new)}, card has {len(card)}")
    for n, (a, b) in enumerate(zip(new[:2], card[:2], strict=True), start=1):
        if a != b:
            raise Refused(f"partition {n} differs (image start/size {a}, card {b}): "
                          "the layout changed, a full flash is needed")
    if card[2][0] != new[2][0]:
        raise Refused("the data partition does not start where the image's does")


def check_not_mounted(card: Path) -> None:
    if not card.is_block_device():
        return
    device = str(card.resolve())
    for line in Path("/proc/self/mounts").read_text().splitlines():
        source = line.split()[0]
        if source.startswith(device):
            raise Refused(f"{source} is mounted: unmount every partition of {device} first")


def fat(image: Path, start: int) -> str:
    return f"{image}@@{start}"


def boot_files(image: Path, start: int) -> list[str]:
    out = subprocess.run(["mdir", "-b", "-i", fat(image, start), "::"], capture_output=True,
                         text=True, check=True)
    return [name.lstrip(":/") for name in out.stdout.split()]


def read_boot_file(image: Path, start: int, name: str) -> bytes:
    out = subprocess.run(["mtype", "-i", fat(image, start), f"::{name}"], capture_output=True,
                         check=True)
    return out.stdout


def write_boot_file(image: Path, start: int, name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / name
        src.write_bytes(data)
        subprocess.run(["mcopy", "-o", "-i", fat(image, start), str(src), f"::{name}"],
                       check=True, capture_output=True)


def copy_region(src: Path, dst: Path, start: int, size: int) -> str:
    """Copy ``size`` bytes at ``start`` from src to the same place in dst, synced; sha256."""
    digest = hashlib.sha256()
    with src.open("rb") as fin, dst.open("r+b") as fout:
        fin.seek(start)
        fout.seek(start)
        left = size
        while left:
            block = fin.read(min(CHUNK, left))
            if not block:
                raise OSError(f"{src}: ends inside partition at {start}")
            fout.write(block)
            digest.update(block)
            left -= len(block)
        fout.flush()
        os.fsync(fout.fileno())
    return digest.hexdigest()


def region_sha256(path: Path, start: int, size: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        f.seek(start)
        left = size
        while left:
            block = f.read(min(CHUNK, left))
            if not block:
                break
            digest.update(block)
            left -= len(block)
    return digest.hexdigest()


def lost_lines(old: bytes, new: bytes) -> list[str]:
    """Setting lines of the card's file that the new one does not have (comments ignored)."""
    def settings(data: bytes) -> list[str]:
        text = data.decode("utf-8", "replace")
        words = text.split() if "\n" not in text.strip() else text.splitlines()
        return [w.strip() for w in words if w.strip() and not w.strip().startswith("#")]

    have = set(settings(new))
    return [line for line in settings(old) if line not in have]


def update(new_image: Path, card: Path, say=print) -> None:
    new_parts, card_parts = partitions(new_image), partitions(card)
    check_layout(new_parts, card_parts)
    check_not_mounted(card)
    (boot_start, boot_size), (root_start, root_size) = new_parts[0], new_parts[1]
    data_before = region_sha256(card, *card_parts[2]) if not card.is_block_device() else None

    on_card = boot_files(card, boot_start)
    kept = {name: read_boot_file(card, boot_start, name) for name in on_card
            if name in KEEP or name.endswith(KEEP_SUFFIXES)}
    compared = {name: read_boot_file(card, boot_start, name) for name in COMPARE
                if name in on_card}

    say(f"writing the system (partition 2, {root_size >> 20} MiB)…")
    if copy_region(new_image, card, root_start, root_size) != region_sha256(card, root_start,
                                                                              root_size):
        raise OSError("partition 2 does not read back as written")
    say(f"writing the boot partition (partition 1, {boot_size >> 20} MiB)…")
    copy_region(new_image, card, boot_start, boot_size)
    for name, data in kept.items():
        write_boot_file(card, boot_start, name, data)
        if read_boot_file(card, boot_start, name) != data:
            raise OSError(f"boot partition: {name} does not read back as written")
        say(f"kept {name}")
    for name, old in compared.items():
        for line in lost_lines(old, read_boot_file(card, boot_start, name)):
            say(f"NOTE {name}: the card had {line!r}; the new image does not. Add it again "
                f"if it is still wanted (e.g. a display rotation).")
    if data_before is not None and region_sha256(card, *card_parts[2]) != data_before:
        raise OSError("the data partition changed: this must never happen")
    say("done: the data partition was not touched")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image", type=Path, help="the new kiosk-arm64.img")
    parser.add_argument("card", type=Path, help="the card's block device, or an image file")
    args = parser.parse_args(argv)
    try:
        update(args.image, args.card)
    except Refused as exc:
        print(f"update_card: refused, nothing written: {exc}", file=sys.stderr)
        return 2
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"update_card: FAILED: {exc}. The data partition is untouched; flash the image "
              "again (docs/technician.md).", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
