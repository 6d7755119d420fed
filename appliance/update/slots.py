"""A/B slot selection: what the boot firmware boots, given what the boot partition says.

Two methods, one model, so the update logic and the QEMU harness (which plays the firmware's part)
share the same rule:

- ``tryboot_a_b`` (Raspberry Pi 4 / 400 / CM4, EEPROM bootloader): ``autoboot.txt`` names the
  committed slot's boot partition and, under ``[tryboot]``, the other one. ``reboot "0 tryboot"``
  sets a one-shot flag that the bootloader clears as it boots the trial slot, so any reset after
  that, or a power cut before it, boots the committed slot again. One trial boot.
- ``boot_counter`` (boards without ``autoboot.txt``: Pi 3 B/B+, Zero 2 W): a slot file on the boot
  partition names the committed slot, the trial slot and the trial boots left. The trial's
  initramfs decrements the counter before anything else runs; at zero the committed slot boots.
  The file is persistent, so a power cut after arming still tries the new slot.

Committing (the health check passed) rewrites the file so the trial slot becomes the committed one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Literal

Slot = Literal["A", "B"]
SLOTS: tuple[Slot, Slot] = ("A", "B")
COUNTER_TRIES = 3
"""Trial boots granted on boards without tryboot: a power cut during the first one is forgiven."""


class BootMethod(StrEnum):
    TRYBOOT = "tryboot_a_b"
    COUNTER = "boot_counter"


class SlotFileError(ValueError):
    """The boot partition's slot file cannot be read: boot the committed default (slot A)."""


def other(slot: Slot) -> Slot:
    return "B" if slot == "A" else "A"


def method_for(has_autoboot: bool) -> BootMethod:
    """Boards whose bootloader reads ``autoboot.txt`` use it; the others use the counter."""
    return BootMethod.TRYBOOT if has_autoboot else BootMethod.COUNTER


@dataclass(frozen=True)
class BootRecord:
    """What decides the next boot: the committed slot and an optional armed trial."""

    method: BootMethod
    committed: Slot = "A"
    trial: Slot | None = None
    tries_left: int = 0

    def arm(self) -> BootRecord:
        """Arm a trial of the inactive slot, as part of the reboot into it (the slot is complete).

        Armed at every reboot into the trial, never at install time: with tryboot the flag is
        set by ``reboot "0 tryboot"`` itself, and with the counter a power cut before the quiet
        time must not start a trial in the middle of the day."""
        tries = 1 if self.method is BootMethod.TRYBOOT else COUNTER_TRIES
        return replace(self, trial=other(self.committed), tries_left=tries)

    def disarm(self) -> BootRecord:
        return replace(self, trial=None, tries_left=0)

    def commit(self, running: Slot) -> BootRecord:
        """The running slot passed its health check: boot it by default from now on."""
        return BootRecord(self.method, committed=running)

    def power_loss(self) -> BootRecord:
        """The tryboot flag lives in a register that a power cut clears; the counter file stays."""
        return self.disarm() if self.method is BootMethod.TRYBOOT else self

    def boot(self) -> tuple[Slot, BootRecord]:
        """The firmware's choice and the record it leaves (flag cleared, counter decremented)."""
        if self.trial is not None and self.tries_left > 0:
            if self.method is BootMethod.TRYBOOT:
                after = self.disarm()  # one-shot: a reset during the trial boots the default
            else:
                after = replace(self, tries_left=self.tries_left - 1)
            return self.trial, after
        return self.committed, self.disarm()


# --- the files on the boot partition ---------------------------------------------------------

def render_autoboot(record: BootRecord, partitions: dict[Slot, int]) -> str:
    """``autoboot.txt`` for ``tryboot_a_b``: default = committed, ``[tryboot]`` = the other."""
    return (_section("all") + "tryboot_a_b=1\n"
            f"boot_partition={partitions[record.committed]}\n"
            + _section("tryboot") + f"boot_partition={partitions[other(record.committed)]}\n")


def _section(name: str) -> str:
    """A conditional-filter line of the firmware's config.txt syntax (not TOML, despite looks)."""
    return f"[{name}]\n"


def parse_autoboot(text: str, partitions: dict[Slot, int]) -> Slot:
    """The committed slot named by ``autoboot.txt`` (its ``[all]`` boot_partition)."""
    section, found = "all", None
    by_number = {n: s for s, n in partitions.items()}
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif section == "all" and line.startswith("boot_partition="):
            try:
                found = by_number[int(line.split("=", 1)[1])]
            except (ValueError, KeyError):
                raise SlotFileError(f"autoboot.txt: unknown {line!r}") from None
    if found is None:
        raise SlotFileError("autoboot.txt names no boot_partition under [all]")
    return found


def render_slot_file(record: BootRecord) -> str:
    """``kiosk-slot.txt`` for the counter method (read by the initramfs, key=value lines)."""
    trial = record.trial or ""
    return f"committed={record.committed}\ntrial={trial}\ntries_left={record.tries_left}\n"


def parse_slot_file(text: str) -> BootRecord:
    values = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    committed, trial = values.get("committed"), values.get("trial") or None
    if committed not in SLOTS or (trial is not None and trial not in SLOTS):
        raise SlotFileError(f"kiosk-slot.txt: bad slots {committed!r}/{trial!r}")
    try:
        tries = int(values.get("tries_left", "0"))
    except ValueError:
        raise SlotFileError("kiosk-slot.txt: tries_left is not a number") from None
    if tries < 0 or (trial is None and tries):
        raise SlotFileError("kiosk-slot.txt: tries_left without a trial slot")
    return BootRecord(BootMethod.COUNTER, committed, trial, tries)


def slot_from_cmdline(cmdline: str) -> Slot | None:
    """The running slot, from the kernel command line's ``rauc.slot=A|B`` (None: not A/B)."""
    for word in cmdline.split():
        if word.startswith("rauc.slot="):
            value = word.split("=", 1)[1]
            return value if value in SLOTS else None
    return None
