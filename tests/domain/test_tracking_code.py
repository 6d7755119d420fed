"""The short tracking code: its alphabet, its check symbol, and how typed text is normalised."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from appliance.domain.codes import code_from_slip_qr, normalise_lookup_code
from appliance.domain.tracking_code import (
    ALPHABET,
    LENGTH,
    display_tracking_code,
    is_valid,
    new_tracking_code,
    normalise_tracking_code,
)

seeds = st.integers(min_value=0, max_value=2**32)


def _code(seed: int) -> str:
    return new_tracking_code(random.Random(seed).randrange)


def test_the_alphabet_has_no_symbol_that_reads_two_ways() -> None:
    assert len(ALPHABET) == len(set(ALPHABET)) == 31
    assert not set("0O1IL") & set(ALPHABET)
    assert set(ALPHABET) <= set("23456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@given(seeds)
def test_a_new_code_is_eight_symbols_of_the_alphabet_and_valid(seed: int) -> None:
    code = _code(seed)
    assert len(code) == LENGTH and set(code) <= set(ALPHABET) and is_valid(code)
    shown = display_tracking_code(code)
    assert shown == f"{code[:4]}-{code[4:]}"


@given(seeds, st.data())
def test_normalising_what_a_citizen_types_gives_the_code_back(seed: int, data) -> None:
    code = _code(seed)
    shown = display_tracking_code(code)
    typed = "".join(data.draw(st.sampled_from([c.lower(), c])) for c in shown)
    typed = data.draw(st.sampled_from([typed, typed.replace("-", ""), f"  {typed} ",
                                       typed.replace("-", " ")]))
    assert normalise_tracking_code(typed) == code
    assert normalise_lookup_code(typed) == code
    assert code_from_slip_qr(f"https://dichvucong.example/tra-cuu?ma={shown}") == code


@given(seeds, st.integers(min_value=0, max_value=LENGTH - 1), st.data())
def test_any_single_wrong_symbol_is_caught(seed: int, where: int, data) -> None:
    code = _code(seed)
    other = data.draw(st.sampled_from([c for c in ALPHABET if c != code[where]]))
    assert normalise_tracking_code(code[:where] + other + code[where + 1:]) is None


@given(seeds, st.integers(min_value=0, max_value=LENGTH - 2))
def test_any_swap_of_two_neighbours_is_caught(seed: int, where: int) -> None:
    code = _code(seed)
    swapped = code[:where] + code[where + 1] + code[where] + code[where + 2:]
    if swapped != code:
        assert normalise_tracking_code(swapped) is None


@given(st.text(max_size=40))
def test_any_text_gives_a_valid_code_or_none_and_never_raises(text: str) -> None:
    found = normalise_tracking_code(text)
    assert found is None or is_valid(found)


def test_fresh_codes_use_every_symbol_in_every_random_place() -> None:
    codes = [new_tracking_code() for _ in range(3_000)]
    assert all(is_valid(c) for c in codes)
    for place in range(LENGTH - 1):  # uniqueness within a store: tests/store/test_tracking.py
        assert {c[place] for c in codes} == set(ALPHABET)
