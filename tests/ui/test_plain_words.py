"""Plain words on screen (issue 13, item 9): what the citizen reads of the bundled catalogue has
none of the legal phrases, while the catalogue itself (slip, payload) keeps the official text."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from appliance.domain.catalogue import default_catalogue
from appliance.ui import strings as T
from appliance.ui.plain import PHRASES, plain
from appliance.ui.screens.procedure import clauses

LEGAL = ("người yêu cầu", "Số định danh cá nhân", "số định danh cá nhân", "Nơi cư trú",
         "sau 15 giờ", "phiên làm việc")


def on_screen() -> list[str]:
    """Every field label and time limit of the bundled catalogue, as the screens show them."""
    texts = []
    for p in default_catalogue().procedures:
        texts += [plain(f.label) for f in p.form]
        texts.append(plain(p.time_limit.text or ""))
    return texts


def test_the_screens_say_no_legal_phrase_of_the_bundled_catalogue() -> None:
    texts = on_screen()
    assert texts
    for text in texts:
        assert not any(word in text for word in LEGAL), text
        assert unicodedata.is_normalized("NFC", text)
    assert plain("Số định danh cá nhân người yêu cầu") == "Số thẻ căn cước của bạn (12 số)"


def test_the_catalogue_keeps_the_official_wording() -> None:
    labels = [f.label for p in default_catalogue().procedures for f in p.form]
    assert "Số định danh cá nhân người yêu cầu" in labels


def test_every_citizen_string_is_free_of_the_legal_words() -> None:
    citizen = {k: v for k, v in vars(T).items()
               if k.isupper() and isinstance(v, str) and not k.startswith("STAFF")}
    for name, text in citizen.items():
        assert not any(word in text for word in LEGAL), name


@given(st.text(alphabet="abc ,;.ườ", max_size=40))
def test_text_without_a_legal_phrase_is_shown_unchanged(text: str) -> None:
    assert not any(legal in text for legal, _ in PHRASES)
    assert plain(text) == text


@given(st.lists(st.text(alphabet="ab đ.,0", min_size=1, max_size=12), min_size=1, max_size=6))
def test_legal_sentences_cut_into_rows_keep_every_word(words: list[str]) -> None:
    text = "; ".join(words)
    rows = clauses(text)
    assert rows and (all(rows) or not text.strip())

    def bare(t: str) -> list[str]:
        return t.replace(";", " ").replace(".", " ").casefold().split()

    assert bare(" ".join(rows)) == bare(text)
