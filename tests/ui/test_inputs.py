"""Fields that fit their content (issue 13): the date mask, editing at the cursor, word
suggestions, d/m/yyyy dates. Pure logic, no window (the window tests are test_citizen.py and
test_edit_in_place.py)."""

from __future__ import annotations

import datetime as dt
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from appliance.domain.catalogue import FormField, canonical_date
from appliance.ui import date_entry, editing, suggest
from appliance.ui.vn_input import Tone

KEYS = st.lists(st.sampled_from([*"0123456789", "/", "del"]), max_size=20)


def typed(keys: str | list[str], text: str = "") -> str:
    for key in keys:
        text = date_entry.press(text, key)
    return text


def test_dates_typed_as_people_say_them_fill_the_mask() -> None:
    assert typed("05032025") == "05/03/2025"
    assert typed("5/3/2025") == "05/03/2025"
    assert typed("1/12/2025") == "01/12/2025"
    assert date_entry.masked(typed("05/0")) == "05/0_/____"
    assert date_entry.masked("") == "__/__/____"
    assert typed(["del"], "05/") == "0"  # the slash that came by itself goes with its digit


def test_a_year_only_birth_date_shows_as_the_year_and_any_key_starts_over() -> None:
    assert date_entry.masked("1950") == "1950"
    assert typed("1", "1950") == "1" and typed(["del"], "1950") == ""


@given(KEYS)
def test_the_date_entry_always_fits_the_mask(keys: list[str]) -> None:
    text = typed(keys)
    assert len(text) <= len(date_entry.MASK)
    shown = date_entry.masked(text)
    assert len(shown) == len(date_entry.MASK)
    assert all(c == m or (c.isdigit() and m == "_") for c, m in zip(shown, date_entry.MASK,
                                                                     strict=True))


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_real_date_typed_short_or_long_is_accepted_as_dd_mm_yyyy(day: dt.date) -> None:
    canonical = f"{day:%d/%m/%Y}"
    short = f"{day.day}/{day.month}/{day.year}"
    assert typed(canonical.replace("/", "")) == canonical
    assert typed(short) == canonical
    assert canonical_date(short) == canonical == canonical_date(canonical)
    field = FormField("ngay", "Ngày sinh", type="date")
    assert field.validate(short) is None


def test_not_a_date_is_refused_with_the_format() -> None:
    field = FormField("ngay", "Ngày sinh", type="date")
    for bad in ("31/02/2025", "5/3/25", "1/1/1800", "05-03-2025"):
        assert canonical_date(bad) is None
        assert "ngày/tháng/năm" in (field.validate(bad) or "")


def test_keys_act_at_the_cursor_not_only_at_the_end() -> None:
    text = "Nguyên Thi"
    assert editing.tone(text, 3, Tone.TILDE) == ("Nguyễn Thi", 3)  # cursor inside the word
    assert editing.delete_before("Nguyễn XThị", 8) == ("Nguyễn Thị", 7)
    assert editing.insert("Ngyễn", 2, "u") == ("Nguyễn", 3)
    assert editing.replace_word("Tr Minh", 2, "Trần") == ("Trần Minh", 5)
    assert editing.space("", 0) == ("", 0) and editing.space("a ", 2) == ("a ", 2)


@given(st.text(alphabet="aăâbcdđeêhinoôơuưy ", max_size=15), st.integers(0, 20),
       st.sampled_from(list(Tone)))
def test_editing_at_any_cursor_keeps_nfc_and_the_cursor_in_the_text(text: str, i: int,
                                                                     tone: Tone) -> None:
    for new, at in (editing.tone(text, i, tone), editing.insert(text, i, "ơ"),
                    editing.delete_before(text, i), editing.space(text, i),
                    editing.replace_word(text, i, "Trần")):
        assert unicodedata.is_normalized("NFC", new) and 0 <= at <= len(new)


def test_suggestions_complete_the_word_with_its_tones_from_what_the_kiosk_knows() -> None:
    parent = suggest.context_words(["Nguyễn Thị Mẫu"])
    assert suggest.suggest("ng", "name", parent)[0] == "Nguyễn"
    assert "Trần" in suggest.suggest("tr", "name", parent)
    assert suggest.suggest("kh", "name", first=False)[:2] == ["Khánh", "Khang"]
    assert suggest.suggest("b", "place")[0] == "Bệnh viện"
    assert suggest.suggest("", "name") == []
    assert suggest.kind_of("tre_ho_ten") == "name" and suggest.kind_of("tre_noi_sinh") == "place"


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyTNĐ", max_size=4),
       st.sampled_from(suggest.KINDS), st.integers(1, 5), st.booleans())
def test_every_suggestion_starts_with_what_is_typed(prefix: str, kind: str, n: int,
                                                    first: bool) -> None:
    parent = suggest.context_words(["Nguyễn Thị Mẫu", "Thôn Thử, xã Mẫu"])
    words = suggest.suggest(prefix, kind, parent, n=n, first=first)
    assert len(words) <= n and len(set(words)) == len(words)
    assert all(suggest.fold(w).startswith(suggest.fold(prefix)) and w != prefix for w in words)
    assert all(unicodedata.is_normalized("NFC", w) for w in words)
