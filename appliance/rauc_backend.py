"""RAUC's custom bootloader backend for the kiosk (``bootloader=custom`` in system.conf).

RAUC runs ``<backend> get-primary | set-primary SLOT | get-state SLOT | set-state SLOT good|bad
| get-current``; the installed wrapper ``/usr/lib/kiosk/rauc-bootloader`` runs
``python -m appliance.rauc_backend --boot-dir <partition 1> --cmdline /proc/cmdline "$@"``.

Deliberate departures from "primary = boots next": ``set-primary`` of the other slot, which RAUC
calls at the end of an install, arms nothing — the update service arms the trial at its quiet-time
reboot (``appliance.update.plan``), so a power cut in the afternoon never starts a trial.
``set-state SLOT good`` is the commit after the health check; ``bad`` disarms a trial and is
refused for the committed slot, which must stay bootable.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from appliance.boot_slots import read_record, write_record
from appliance.update.slots import SLOTS, BootRecord, SlotFileError, slot_from_cmdline


def _next(record: BootRecord) -> str:
    return record.trial if record.trial and record.tries_left else record.committed


def run(command: str, slot: str | None, state: str | None, boot_dir: Path, cmdline: Path) -> str:
    """The answer RAUC reads on stdout; SlotFileError for what must fail."""
    record = read_record(boot_dir)
    if command == "get-primary":
        return _next(record)
    if command == "get-current":
        current = slot_from_cmdline(cmdline.read_text(encoding="utf-8"))
        if current is None:
            raise SlotFileError("the kernel command line names no rauc.slot")
        return current
    if slot not in SLOTS:
        raise SlotFileError(f"{command} needs a slot A or B, not {slot!r}")
    if command == "get-state":
        return "good" if slot in (record.committed, record.trial) else "bad"
    if command == "set-primary":
        if slot == record.committed:
            write_record(boot_dir, record.disarm())
        return ""
    if command == "set-state" and state == "good":
        write_record(boot_dir, record.commit(slot))
        return ""
    if command == "set-state" and state == "bad":
        if slot == record.committed:
            raise SlotFileError(f"slot {slot} is the committed one: it stays good")
        write_record(boot_dir, record.disarm())
        return ""
    raise SlotFileError(f"unknown request {command} {slot or ''} {state or ''}".strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rauc-bootloader", description=__doc__)
    parser.add_argument("--boot-dir", type=Path, required=True)
    parser.add_argument("--cmdline", type=Path, default=Path("/proc/cmdline"))
    parser.add_argument("command", choices=["get-primary", "set-primary", "get-state",
                                            "set-state", "get-current"])
    parser.add_argument("slot", nargs="?")
    parser.add_argument("state", nargs="?", choices=["good", "bad"])
    args = parser.parse_args(argv)
    try:
        answer = run(args.command, args.slot, args.state, args.boot_dir, args.cmdline)
    except (SlotFileError, OSError) as exc:
        print(f"rauc-bootloader: {exc}", file=sys.stderr)
        return 1
    if answer:
        print(answer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
