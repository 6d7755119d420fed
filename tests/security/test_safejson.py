"""``sync.safejson``: the parser every gateway answer goes through (property tests)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import safejson

scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.floats(
    allow_nan=False, allow_infinity=False)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=40)


def nested(value: object, levels: int) -> object:
    for i in range(levels):
        value = [value] if i % 2 else {"k": value}
    return value


@settings(max_examples=200)
@given(values)
def test_ordinary_json_round_trips(value):
    data = json.dumps(value).encode()
    assert safejson.loads(data) == json.loads(data)


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=0, max_value=safejson.MAX_DEPTH), st.integers(1, 200))
def test_depth_is_refused_exactly_past_the_limit(levels, extra):
    fits = json.dumps(nested(1, levels))
    assert safejson.loads(fits) == json.loads(fits)
    with pytest.raises(safejson.TooDeep):
        safejson.loads(json.dumps(nested(1, safejson.MAX_DEPTH + extra)))


@pytest.mark.parametrize("depth", [1_000, 10_000, 1_000_000])
def test_deeper_than_the_interpreter_can_recurse_is_a_value_error(depth):
    with pytest.raises(ValueError):
        safejson.loads(b"[" * depth + b"]" * depth)
    with pytest.raises(ValueError):
        safejson.loads(b'{"a":' * depth + b"0" + b"}" * depth)


brackets = st.lists(st.sampled_from([b"[", b"]", b"{", b"}", b'"a":', b",", b"1"]),
                   max_size=3000).map(b"".join)


@settings(max_examples=300)
@given(st.binary(max_size=200) | brackets)
def test_any_bytes_give_a_shallow_value_or_a_value_error(data):
    try:
        value = safejson.loads(data)
    except ValueError:
        return  # TooDeep, invalid JSON, not UTF-8: all one ValueError, never RecursionError
    assert safejson.depth(value, safejson.MAX_DEPTH) <= safejson.MAX_DEPTH
