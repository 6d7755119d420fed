"""Slot selection: the firmware model both boot methods share (appliance/update/slots.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appliance.update.slots import (
    COUNTER_TRIES,
    BootMethod,
    BootRecord,
    Slot,
    SlotFileError,
    method_for,
    parse_autoboot,
    parse_slot_file,
    render_autoboot,
    render_slot_file,
)

PARTS: dict[Slot, int] = {"A": 2, "B": 3}


def test_boards_with_autoboot_use_tryboot_the_others_the_counter() -> None:
    assert method_for(True) is BootMethod.TRYBOOT
    assert method_for(False) is BootMethod.COUNTER


def test_tryboot_gives_exactly_one_trial_boot() -> None:
    record = BootRecord(BootMethod.TRYBOOT).arm()
    first, record = record.boot()
    second, record = record.boot()
    assert (first, second) == ("B", "A")


def test_a_power_cut_clears_the_tryboot_flag_but_not_the_counter_file() -> None:
    assert BootRecord(BootMethod.TRYBOOT).arm().power_loss().boot()[0] == "A"
    assert BootRecord(BootMethod.COUNTER).arm().power_loss().boot()[0] == "B"


def test_the_counter_falls_back_after_its_tries() -> None:
    record = BootRecord(BootMethod.COUNTER, committed="B").arm()
    booted = []
    for _ in range(COUNTER_TRIES + 2):
        slot, record = record.boot()
        booted.append(slot)
    assert booted == ["A"] * COUNTER_TRIES + ["B", "B"]


@pytest.mark.parametrize("method", list(BootMethod))
def test_commit_makes_the_trial_the_default(method: BootMethod) -> None:
    slot, record = BootRecord(method).arm().boot()
    record = record.commit(slot)
    assert [record.boot()[0], record.power_loss().boot()[0]] == ["B", "B"]


def test_autoboot_txt_round_trips_and_names_the_other_slot_for_tryboot() -> None:
    text = render_autoboot(BootRecord(BootMethod.TRYBOOT, committed="B"), PARTS)
    assert "tryboot_a_b=1" in text
    assert text.index("boot_partition=3") < text.index("[tryboot]") < text.index(
        "boot_partition=2")
    assert parse_autoboot(text, PARTS) == "B"


@pytest.mark.parametrize("text", ["", "[all]\nboot_partition=7", "[tryboot]\nboot_partition=2",
                                  "[all]\nboot_partition=two"])
def test_a_broken_autoboot_txt_is_refused(text: str) -> None:
    with pytest.raises(SlotFileError):
        parse_autoboot(text, PARTS)


@given(committed=st.sampled_from(["A", "B"]), armed=st.booleans(),
       boots=st.integers(min_value=0, max_value=COUNTER_TRIES))
def test_the_slot_file_round_trips(committed: str, armed: bool, boots: int) -> None:
    record = BootRecord(BootMethod.COUNTER, committed=committed)  # type: ignore[arg-type]
    if armed:
        record = record.arm()
    for _ in range(boots):
        record = record.boot()[1]
    assert parse_slot_file(render_slot_file(record)) == record


@pytest.mark.parametrize("text", ["", "committed=C\n", "committed=A\ntrial=\ntries_left=2\n",
                                  "committed=A\ntrial=B\ntries_left=x\n"])
def test_a_broken_slot_file_is_refused(text: str) -> None:
    with pytest.raises(SlotFileError):
        parse_slot_file(text)
