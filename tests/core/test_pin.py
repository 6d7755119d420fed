"""Staff PIN hashes: round trip, wrong PINs, malformed or hostile stored values."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.pin import PinHashError, hash_pin, is_pin_hash, parse_hash, verify_pin

FAST = {"n": 2**4}  # the format is what is under test here, not the cost


def test_default_cost_is_owasps_scrypt_recommendation_and_is_recorded():
    stored = hash_pin("2468")
    n, r, p, salt, digest = parse_hash(stored)
    # OWASP Password Storage Cheat Sheet: scrypt N=2^17 (128 MiB), r=8, p=1.
    assert (n, r, p) == (2**17, 8, 1) and len(salt) == 16 and len(digest) == 32
    assert 128 * r * n >= 128 * 2**20
    assert verify_pin("2468", stored)
    assert not verify_pin("2469", stored)


def test_a_hash_made_at_the_earlier_cost_still_verifies():
    earlier = hash_pin("2468", n=2**14, r=8, p=1)  # what kiosks provisioned before hold
    assert earlier.startswith("scrypt$16384$8$1$")
    assert verify_pin("2468", earlier) and not verify_pin("2469", earlier)


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
        "scrypt$1048576$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==",  # 1 GiB of RAM
        "scrypt$131072$32$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==",  # 512 MiB
        "scrypt$16384$8$16$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==",  # 16× the time
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
