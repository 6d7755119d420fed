"""The boot partition's slot files, read and written (issue 16).

``appliance.update.slots`` is the pure model; this reads and writes what the firmware reads:
``autoboot.txt`` on boards with ``tryboot_a_b``, ``kiosk-slot.txt`` on the others (a board's
method is which of the two its partition 1 holds). Writes are atomic (temp file, fsync, rename),
so a power cut leaves the old or the new file, never half of one. ``firmware_boot`` is the
firmware's choice, for the QEMU harness that plays the firmware's part.
"""

from __future__ import annotations

from pathlib import Path

from appliance.durable import write_atomic
from appliance.update.slots import (
    BootMethod,
    BootRecord,
    Slot,
    SlotFileError,
    parse_autoboot,
    parse_slot_file,
    render_autoboot,
    render_slot_file,
)

AUTOBOOT = "autoboot.txt"
SLOT_FILE = "kiosk-slot.txt"
PARTITIONS: dict[Slot, int] = {"A": 2, "B": 3}
"""Boot partition numbers of the slots (docs/technician.md §9, A/B card layout)."""


def method_of(boot_dir: Path) -> BootMethod:
    if (boot_dir / AUTOBOOT).exists():
        return BootMethod.TRYBOOT
    if (boot_dir / SLOT_FILE).exists():
        return BootMethod.COUNTER
    raise SlotFileError(f"{boot_dir} holds neither {AUTOBOOT} nor {SLOT_FILE}")


def read_record(boot_dir: Path, *, tryboot_flag: bool = False) -> BootRecord:
    """The record the firmware acts on. ``tryboot_flag``: the one-shot flag of a
    ``reboot "0 tryboot"`` (it lives in a register, not in a file)."""
    if method_of(boot_dir) is BootMethod.TRYBOOT:
        text = (boot_dir / AUTOBOOT).read_text(encoding="ascii")
        record = BootRecord(BootMethod.TRYBOOT, committed=parse_autoboot(text, PARTITIONS))
        return record.arm() if tryboot_flag else record
    return parse_slot_file((boot_dir / SLOT_FILE).read_text(encoding="ascii"))


def write_record(boot_dir: Path, record: BootRecord) -> None:
    """Persist what survives a power cut: the committed slot (both), the trial (counter)."""
    if record.method is BootMethod.TRYBOOT:
        write_atomic(boot_dir / AUTOBOOT, render_autoboot(record, PARTITIONS))
    else:
        write_atomic(boot_dir / SLOT_FILE, render_slot_file(record))


def firmware_boot(boot_dir: Path, *, tryboot_flag: bool = False) -> Slot:
    """Which slot the firmware boots now; the counter's decrement is written back (as the
    trial's initramfs does before anything else)."""
    record = read_record(boot_dir, tryboot_flag=tryboot_flag)
    slot, after = record.boot()
    if record.method is BootMethod.COUNTER and after != record:
        write_record(boot_dir, after)
    return slot
