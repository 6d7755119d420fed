"""The card-reader seam's sim backend and factory: presence, put down, lifted mid-read."""

from __future__ import annotations

import threading

import pytest

from hw.cardreader import CardReaderError
from hw.cardreader.sim import SimCardReader
from hw.emrtd import session, simcard
from hw.emrtd.errors import CardLost
from hw.errors import SpecError
from hw.factory import build_card_reader, open_devices
from tests.emrtd.conftest import FIELDS


@pytest.fixture
def card(authority) -> simcard.SimCard:
    return simcard.virtual_cccd(authority[1], dict(FIELDS), birth="900101", expiry="300101")


def test_no_card_then_a_card_put_down_from_another_thread(card):
    reader = SimCardReader()
    assert reader.status().code == "cardreader.ready"
    with pytest.raises(CardReaderError) as caught:
        reader.connect()
    assert caught.value.code == "cardreader.no_card"
    threading.Thread(target=reader.put, args=(card,)).start()
    assert reader.wait_for_change(True, 10)
    read = session.read_chip(reader.connect(), session.cccd_access(FIELDS[1][0]))
    assert read.personal is not None and read.personal.id_number == FIELDS[1][0]
    assert reader.status().code == "cardreader.card"


def test_waiting_for_a_card_that_never_comes_times_out():
    assert SimCardReader().wait_for_change(True, 0.05) is False


def test_lifted_mid_read(card):
    reader = SimCardReader(card)
    transport = reader.connect()
    transport.transmit(bytes.fromhex("00A4020C02011C"))
    reader.lift()
    assert reader.wait_for_change(False, 1)
    with pytest.raises(CardLost):
        transport.transmit(bytes.fromhex("00A4020C02011C"))


def test_factory_strings():
    assert build_card_reader("none") is None
    assert isinstance(build_card_reader("sim"), SimCardReader)
    with pytest.raises(SpecError):
        build_card_reader("nfc")
    devices = open_devices(card_reader="sim")
    assert isinstance(devices.card_reader, SimCardReader)
    assert open_devices().card_reader is None
