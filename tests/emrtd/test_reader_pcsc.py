"""The virtual CCCD through the real PC/SC stack: vsmartcard's virtual reader inside pcscd,
pyscard, hw.cardreader.pcsc. CI installs pcscd and vsmartcard-vpcd (.ci/system-packages.txt) and
.ci/run starts pcscd; without them this test fails, it is never skipped."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from hw.cardreader.pcsc import PcscCardReader
from hw.cardreader.vicc import VirtualCard
from hw.emrtd import session, simcard
from hw.emrtd.errors import CardLost
from hw.emrtd.truststore import TrustStore
from tests.emrtd.conftest import FIELDS

SOCKET = Path("/run/pcscd/pcscd.comm")


@pytest.fixture(scope="module")
def pcscd():
    """The machine's pcscd (.ci/run starts it; on a workstation: ``sudo pcscd``)."""
    assert SOCKET.exists(), "pcscd is not running: install pcscd vsmartcard-vpcd and start pcscd"


@pytest.fixture
def reader(pcscd):
    reader = PcscCardReader("Virtual PCD")
    yield reader
    reader.close()


def test_put_read_verify_lift(reader, authority):
    card = simcard.virtual_cccd(authority[1], dict(FIELDS), birth="900101", expiry="300101")
    assert not reader.card_present()
    placed = VirtualCard(card)
    try:
        assert reader.wait_for_change(True, 10)
        assert reader.status().code == "cardreader.card"
        read = session.read_chip(reader.connect(), session.cccd_access(FIELDS[1][0]))
        assert read.access == "pace"
        assert session.require_cccd(read).full_name == "Nguyễn Thị Lan"
        verified = session.verify_chip(read, TrustStore([authority[0].cert]), datetime.now(UTC))
        assert verified.groups == (1, 13)
    finally:
        placed.lift()
    assert reader.wait_for_change(False, 10)
    assert reader.status().code == "cardreader.ready"


def test_a_card_lifted_mid_read_is_card_lost(reader, authority):
    card = simcard.virtual_cccd(authority[1], dict(FIELDS), birth="900101", expiry="300101")
    placed = VirtualCard(card)
    try:
        assert reader.wait_for_change(True, 10)
        transport = reader.connect()
        transport.transmit(bytes.fromhex("00A4020C02011C"))
    finally:
        placed.lift()
    assert reader.wait_for_change(False, 10)
    with pytest.raises(CardLost) as caught:
        transport.transmit(bytes.fromhex("00A4020C02011C"))
    assert caught.value.code == "chip.lifted"
