"""The boot partition's slot files on disk (appliance/boot_slots.py): what the QEMU harness and
the update service read and write."""

from __future__ import annotations

from pathlib import Path

import pytest

from appliance.boot_slots import (
    AUTOBOOT,
    SLOT_FILE,
    firmware_boot,
    method_of,
    read_record,
    write_record,
)
from appliance.update.slots import COUNTER_TRIES, BootMethod, BootRecord, SlotFileError


def test_the_board_method_is_the_file_partition_1_holds(tmp_path: Path) -> None:
    with pytest.raises(SlotFileError):
        method_of(tmp_path)
    write_record(tmp_path, BootRecord(BootMethod.COUNTER))
    assert method_of(tmp_path) is BootMethod.COUNTER
    write_record(tmp_path, BootRecord(BootMethod.TRYBOOT))
    assert method_of(tmp_path) is BootMethod.TRYBOOT  # autoboot.txt wins: the firmware reads it


def test_tryboot_boots_the_other_slot_only_with_the_flag(tmp_path: Path) -> None:
    write_record(tmp_path, BootRecord(BootMethod.TRYBOOT, committed="A"))
    assert "boot_partition=2" in (tmp_path / AUTOBOOT).read_text()
    assert firmware_boot(tmp_path) == "A"
    assert firmware_boot(tmp_path, tryboot_flag=True) == "B"
    assert firmware_boot(tmp_path) == "A"
    write_record(tmp_path, read_record(tmp_path).commit("B"))
    assert firmware_boot(tmp_path) == "B" and firmware_boot(tmp_path, tryboot_flag=True) == "A"


def test_the_counter_is_written_back_at_each_boot_and_falls_back(tmp_path: Path) -> None:
    write_record(tmp_path, BootRecord(BootMethod.COUNTER).arm())
    booted = [firmware_boot(tmp_path) for _ in range(COUNTER_TRIES)]
    assert booted == ["B"] * COUNTER_TRIES
    assert read_record(tmp_path) == BootRecord(BootMethod.COUNTER, "A", "B", 0)
    assert firmware_boot(tmp_path) == "A"  # the trial never committed: back to the old slot
    assert read_record(tmp_path) == BootRecord(BootMethod.COUNTER, "A")
    assert "trial=\ntries_left=0" in (tmp_path / SLOT_FILE).read_text()


def test_a_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    write_record(tmp_path, BootRecord(BootMethod.COUNTER).arm())
    write_record(tmp_path, BootRecord(BootMethod.COUNTER, committed="B"))
    assert [p.name for p in tmp_path.iterdir()] == [SLOT_FILE]
