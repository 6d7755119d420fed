"""Staff PIN hashes: round trip, wrong PINs, malformed or hostile stored values."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.pin import PinHashError, hash_pin, is_pin_hash, parse_hash, verify_pin

FAST = {"n": 2**4}  # the format is what is under test here, not the cost


def test_default_cost_hash_verifies_and_records_its_parameters():
    stored = hash_pin("2468")
    n, r, p, salt, digest = parse_hash(stored)
    assert (n, r, p) == (2**14, 8, 1) and len(salt) == 16 and len(digest) == 32
    assert verify_pin("2468", stored)
    assert not verify_pin("2469", stored)


def test_same_pin_gets_a_different_salt_each_time():
    assert hash_pin("1234", **FAST) != hash_pin("1234", **FAST)


@settings(max_examples=25, deadline=None)
@given(pin=st.text(min_size=1, max_size=12), other=st.text(min_size=1, max_size=12))
def test_only_the_same_pin_verifies(pin, other):
    stored = hash_pin(pin, **FAST)
    assert verify_pin(pin, stored)
    assert verify_pin(other, stored) == (other == pin)


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "1234",
        "bcrypt$16$8$1$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==",
        "scrypt$16384$8$1$not-base64!$AAAA",
        "scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==",  # n not a power of 2
        "scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==",  # 1 TiB of RAM
        "scrypt$16$8$1$AA==$AAAAAAAAAAAAAAAAAAAAAA==",  # salt too short
    ],
)
def test_malformed_or_hostile_hashes_never_verify(stored):
    assert not is_pin_hash(stored)
    assert not verify_pin("1234", stored)
    with pytest.raises(PinHashError):
        parse_hash(stored)


def test_empty_pin_is_refused():
    with pytest.raises(ValueError):
        hash_pin("")
