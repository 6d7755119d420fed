"""The chip screen on the real window with the simulated card reader: after the QR, "Đặt thẻ lên
đầu đọc"; a good card pre-fills the form with the chip's identity (it wins over the QR's text);
a card lifted too soon asks to try again; a chip of another person is refused for staff; a chip
that cannot be read lets the citizen go on with the QR alone, marked as such."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from appliance.ui import strings as T

from .harness import Driver
from .test_journey import CARD, show_card, start_birth_registration


@pytest.fixture
def reader(ui: Driver) -> Iterator[tuple[object, object]]:
    """A simulated chip reader in the running kiosk, the demo authority in its trust store."""
    from appliance.app.chipcard import demo_signer
    from hw.cardreader.sim import SimCardReader

    config = ui.app.services.config
    signer = demo_signer(config.sim_dir, config.trust_store_dir)
    devices = ui.app.services.devices
    devices.card_reader = SimCardReader()
    try:
        yield devices.card_reader, signer
    finally:
        ui.app.end_session("welcome")
        ui.settle()
        devices.card_reader = None


def qr_person(ui: Driver):
    return ui.app.services.parse_card(CARD)


def to_card_screen(ui: Driver):
    start_birth_registration(ui)
    show_card(ui)
    screen = ui.at("card")
    assert screen.phase == "wait" and ui.app.root.title == T.CHIP_TITLE
    assert ui.nav("next").text == T.CHIP_CANT
    return screen


def test_a_good_card_prefills_the_form_with_the_verified_chip_identity(ui, reader):
    from appliance.app.chipcard import chip_card

    sim, signer = reader
    to_card_screen(ui)
    on_chip = dataclasses.replace(qr_person(ui), full_name="Nguyễn Thị Mẫu Chíp")
    sim.put(chip_card(on_chip, signer))
    form = ui.at("form")
    identity = ui.app.session.identity
    assert identity.full_name == "Nguyễn Thị Mẫu Chíp" and identity.source == "chip"
    assert identity.assurance_level == "chip_active_authenticated"
    assert form.session.form["nguoi_yeu_cau_ho_ten"] == "Nguyễn Thị Mẫu Chíp"  # pre-filled


def test_lifted_too_soon_asks_to_try_again_then_reads(ui, reader):
    from appliance.app.chipcard import chip_card

    sim, signer = reader
    screen = to_card_screen(ui)
    sim.put(dataclasses.replace(chip_card(qr_person(ui), signer), lift_after=6))
    ui.wait_until(lambda: screen.phase == "retry", what="lifted refusal")
    assert "nhấc ra" in screen.message and ui.nav("next").text == T.CHIP_RETRY
    sim.lift()
    ui.tap(ui.nav("next"))
    ui.wait_until(lambda: screen.phase == "wait", what="waiting again")
    sim.put(chip_card(qr_person(ui), signer))
    ui.at("form")
    assert ui.app.session.identity.assurance_level == "chip_active_authenticated"


def test_a_chip_of_another_person_is_refused_for_staff(ui, reader):
    from appliance.app.chipcard import chip_card

    sim, signer = reader
    screen = to_card_screen(ui)
    other = dataclasses.replace(qr_person(ui), id_number="079188012345", full_name="Người Khác")
    sim.put(chip_card(other, signer))
    ui.wait_until(lambda: screen.phase == "staff", what="mismatch refusal")
    assert "khác với mã QR" in screen.message and "chip.mismatch" in screen.message
    assert ui.nav("next").text == T.CHIP_CALL_STAFF
    assert ui.app.session.identity.full_name == "Nguyễn Thị Mẫu"  # nothing of the chip kept
    ui.tap(ui.nav("next"))
    ui.wait_until(lambda: ui.app.help is not None, what="help notice")
    ui.tap(ui.app.help.ids.close)


def test_an_unreadable_chip_goes_on_with_the_qr_alone_marked(ui, reader):
    screen = to_card_screen(ui)
    ui.tap(ui.nav("next"))  # "Thẻ không đọc được"
    ui.wait_until(lambda: screen.phase == "unreadable", what="unreadable")
    assert T.CHIP_QR_ONLY_NOTE in screen.message and ui.nav("next").text == T.CHIP_QR_ONLY
    ui.tap(ui.nav("next"))
    ui.at("form")
    identity = ui.app.session.identity
    assert identity.source == "card_qr" and identity.to_payload()["MucDoXacThucDinhDanh"] == "qr"


def test_the_demo_tray_puts_the_scanned_persons_card_on_the_reader(ui, reader):
    from appliance.ui.demo_tray import DemoTray

    to_card_screen(ui)
    tray = DemoTray(ui.app.services)
    tray.open()
    ui.pump(3)
    ui.tap_text("Đặt thẻ lên đầu đọc (người của mã QR vừa quét)")
    ui.at("form")
    identity = ui.app.session.identity
    assert identity.source == "chip" and identity.full_name == "Nguyễn Thị Mẫu"
    assert identity.assurance_level == "chip_active_authenticated"
