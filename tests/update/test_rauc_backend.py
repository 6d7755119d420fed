"""RAUC's custom bootloader backend (appliance/rauc_backend.py) on a boot folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from appliance.boot_slots import firmware_boot, read_record, write_record
from appliance.rauc_backend import main
from appliance.update.slots import BootMethod, BootRecord


def call(capsys: pytest.CaptureFixture[str], boot: Path, *args: str) -> tuple[int, str]:
    cmdline = boot.parent / "cmdline"
    code = main(["--boot-dir", str(boot), "--cmdline", str(cmdline), *args])
    return code, capsys.readouterr().out.strip()


@pytest.fixture
def boot(tmp_path: Path) -> Path:
    folder = tmp_path / "boot"
    write_record(folder, BootRecord(BootMethod.COUNTER))
    (tmp_path / "cmdline").write_text("root=/dev/mmcblk0p5 rauc.slot=A rootwait\n")
    return folder


def test_primary_current_and_states(boot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert call(capsys, boot, "get-primary") == (0, "A")
    assert call(capsys, boot, "get-current") == (0, "A")
    assert call(capsys, boot, "get-state", "A") == (0, "good")
    assert call(capsys, boot, "get-state", "B") == (0, "bad")


def test_set_primary_after_install_arms_nothing(boot: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert call(capsys, boot, "set-primary", "B") == (0, "")
    assert firmware_boot(boot) == "A"  # the trial is armed by the quiet-time reboot only


def test_mark_good_on_the_trial_commits_it(boot: Path, capsys: pytest.CaptureFixture[str]
                                           ) -> None:
    write_record(boot, read_record(boot).arm())
    assert call(capsys, boot, "get-primary") == (0, "B")
    assert firmware_boot(boot) == "B"
    assert call(capsys, boot, "set-state", "B", "good") == (0, "")
    assert read_record(boot) == BootRecord(BootMethod.COUNTER, committed="B")


def test_mark_bad_disarms_a_trial_but_never_the_committed_slot(
        boot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_record(boot, read_record(boot).arm())
    assert call(capsys, boot, "set-state", "B", "bad") == (0, "")
    assert firmware_boot(boot) == "A"
    assert call(capsys, boot, "set-state", "A", "bad")[0] == 1
    assert read_record(boot).committed == "A"


def test_a_bad_request_fails_with_a_reason(boot: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--boot-dir", str(boot), "get-state", "C"]) == 1
    assert "slot A or B" in capsys.readouterr().err
    (boot.parent / "cmdline").write_text("root=/dev/sda2\n")
    assert call(capsys, boot, "get-current")[0] == 1
