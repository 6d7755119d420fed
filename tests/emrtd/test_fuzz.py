"""Property tests: no byte string makes a chip parser raise anything but its refusal.

CI runs a few thousand examples per parser; bench/chip_fuzz.py drives the same parsers with
≥100,000 inputs (docs/identity.md has its figures).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hw.emrtd import lds, pace, passive, session, simcard, sod, tlv
from hw.emrtd.errors import ChipError, MalformedData
from hw.emrtd.truststore import TrustStore
from tests.emrtd.conftest import FIELDS

MAX_SESSIONS = int(os.environ.get("CHIP_FUZZ_SESSIONS", "300"))
"""Whole reads with one corrupted response; raise it locally for a longer run."""
CARD_ACCESS = bytes.fromhex("31143012060A04007F0007020204020202010202010D")
EF_COM = bytes.fromhex("60145F0104303130365F36063034303030305C026175")
FUZZ = settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))


def _refuses_or_parses(parse, data: bytes) -> None:
    try:
        parse(data)
    except MalformedData as exc:
        assert exc.code.startswith("chip.malformed.")


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """A valid structure with a few bytes changed, cut, or inserted: where parsers break.

    The position is drawn independently of the length and reduced modulo it, so the draws keep
    the same shape when ``seed`` varies between replays (a card's random nonces change its
    responses' lengths; hypothesis calls a length-dependent draw flaky)."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert"]))
        pos = draw(st.integers(0, 2**16)) % max(1, len(data))
        if kind == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[pos : pos + draw(st.integers(1, 8))]
        else:
            data[pos:pos] = draw(st.binary(min_size=1, max_size=4))
    return bytes(data)


def _dg13() -> bytes:
    from hw.emrtd.issuer import encode_dg13

    return encode_dg13(FIELDS)


@FUZZ
@given(st.binary(max_size=300))
def test_tlv_parsers_only_refuse(data):
    for parse in (tlv.parse_all, tlv.decode, tlv.check_tree, tlv.header_length):
        _refuses_or_parses(parse, data)


@FUZZ
@given(st.one_of(st.binary(max_size=300), mutated(_dg13())))
def test_dg13_parser_only_refuses(data):
    _refuses_or_parses(lds.parse_dg13, data)


@FUZZ
@given(st.one_of(st.binary(max_size=120), mutated(EF_COM)))
def test_com_and_dg1_parsers_only_refuse(data):
    _refuses_or_parses(lds.parse_com, data)
    _refuses_or_parses(lds.parse_dg1, data)


@FUZZ
@given(st.one_of(st.binary(max_size=120), mutated(CARD_ACCESS)))
def test_card_access_parser_only_refuses(data):
    _refuses_or_parses(pace.parse_card_access, data)


def test_sod_parsing_and_verification_only_refuse(card):
    store, now = TrustStore([card.csca.cert]), datetime.now(UTC)

    @settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
    @given(mutated(card.sod))
    def run(data: bytes) -> None:
        try:
            passive.verify(sod.parse_sod(data), {1: card.dg1, 13: card.dg13}, store, now)
        except ChipError as exc:
            assert exc.code.startswith(("chip.malformed.", "chip.pa."))

    run()


class Corrupting:
    """The virtual card, with one response (the ``index``-th) replaced by ``corrupt(response)``."""

    def __init__(self, card, index: int, corrupt) -> None:
        self.card, self.index, self.corrupt, self.count = card, index, corrupt, 0

    def transmit(self, apdu: bytes) -> bytes:
        answer = self.card.transmit(apdu)
        self.count += 1
        return self.corrupt(answer) if self.count - 1 == self.index else answer


def test_a_whole_read_with_any_corrupted_response_only_refuses(authority):
    @settings(max_examples=MAX_SESSIONS, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.integers(0, 19), st.data())
    def run(index: int, data: st.DataObject) -> None:
        card = simcard.virtual_cccd(authority[1], dict(FIELDS), birth="900101", expiry="300101")

        def corrupt(answer: bytes) -> bytes:
            return data.draw(mutated(answer))

        try:
            session.read_chip(Corrupting(card, index, corrupt), session.cccd_access(FIELDS[1][0]))
        except ChipError as exc:
            assert exc.code.startswith("chip."), exc.code

    run()
