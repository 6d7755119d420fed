"""Plain tests of the UI's rules that need no window: Vietnamese input, timers, theme, session."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.config import KioskConfig as Config
from appliance.domain.dossier import Page
from appliance.domain.identity import Identity
from appliance.ui import strings as T
from appliance.ui.session import Session
from appliance.ui.theme import CAP_HEIGHT_EM, sizes_for
from appliance.ui.timers import (
    MAX_LOCKOUT_S,
    InactivityTimer,
    PinGate,
    TapGesture,
    lockout_duration,
)
from appliance.ui.vn_input import Tone, apply_telex, press_tone, set_tone, telex


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ("Nguyeenx", "Nguyễn"), ("Thij", "Thị"), ("Hoaf", "Hòa"), ("thuyr", "thủy"),
        ("quas", "quá"), ("gif", "gì"), ("giaf", "già"), ("nguwowif", "người"),
        ("Tuaans", "Tuấn"), ("ddoongf", "đồng"), ("Truwowngf", "Trường"), ("Ddaoj", "Đạo"),
        ("Vieetj", "Việt"), ("ngoaif", "ngoài"), ("quyeets", "quyết"), ("ass", "as"),
        ("muaf", "mùa"), ("khoer", "khỏe"), ("Phuwowngx", "Phưỡng"), ("awn", "ăn"),
    ],
)
def test_telex_types_vietnamese(keys: str, expected: str) -> None:
    assert apply_telex(keys) == expected


@pytest.mark.parametrize(
    ("word", "tone", "expected"),
    [
        ("Nguyên", Tone.TILDE, "Nguyễn"), ("Thi", Tone.DOT, "Thị"), ("Hoa", Tone.GRAVE, "Hòa"),
        ("Trương", Tone.GRAVE, "Trường"), ("Anh", Tone.ACUTE, "Ánh"), ("cua", Tone.HOOK, "của"),
        ("khuyên", Tone.ACUTE, "khuyến"), ("Quang", Tone.HOOK, "Quảng"), ("gi", Tone.GRAVE, "gì"),
    ],
)
def test_tone_key_lands_on_the_right_vowel(word: str, tone: Tone, expected: str) -> None:
    assert set_tone(word, tone) == expected
    assert press_tone("Bà " + word, tone) == "Bà " + expected


def test_pressing_a_tone_twice_takes_it_off_and_another_replaces_it() -> None:
    assert press_tone("Nguyễn", Tone.TILDE) == "Nguyên"
    assert press_tone("Nguyễn", Tone.ACUTE) == "Nguyến"
    assert press_tone("123", Tone.ACUTE) == "123"  # no vowel: nothing to mark


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20), st.text(alphabet="aeiouydwsfrxjzAEOW qg", max_size=1))
def test_telex_never_raises_and_stays_nfc(text: str, key: str) -> None:
    out = telex(text, key) if key else text
    assert isinstance(out, str)
    if unicodedata.is_normalized("NFC", text):
        assert unicodedata.is_normalized("NFC", out)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="aăâeêioôơuưyAĂÂEÊIOÔƠUƯYbcdđghklmnpqrstvx ", max_size=16),
       st.sampled_from(list(Tone)))
def test_tone_keys_keep_letters_and_nfc(text: str, tone: Tone) -> None:
    out = press_tone(text, tone)
    assert unicodedata.is_normalized("NFC", out)
    strip = lambda s: "".join(  # noqa: E731
        c for c in unicodedata.normalize("NFD", s) if c not in {t.value for t in Tone if t.value})
    assert strip(out) == strip(text)  # only the tone changed, never a letter


def test_every_citizen_string_is_nfc_vietnamese() -> None:
    def walk(value: object) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [s for v in value.values() for s in walk(v)]
        if isinstance(value, tuple | list):
            return [s for v in value for s in walk(v)]
        return []

    texts = [s for name in dir(T) if name.isupper() for s in walk(getattr(T, name))]
    assert len(texts) > 150
    for text in texts:
        assert unicodedata.is_normalized("NFC", text), text
    assert T.BACK == "Quay lại" and T.CANCEL == "Hủy"


@pytest.mark.parametrize("size", [(800, 480), (1080, 1920)])
def test_theme_meets_design_minimums(size: tuple[int, int]) -> None:
    s = sizes_for(*size)
    assert s.body * CAP_HEIGHT_EM / s.px_per_mm >= 4.0  # capital height ≥ 4 mm
    assert s.target / s.px_per_mm >= 12.0  # touch targets ≥ 12 mm
    assert s.body >= 30 and s.target >= 62  # the DESIGN §9 pixel figures for the 7" panel
    assert s.portrait == (size[1] > size[0])


def test_inactivity_timer_counts_down_then_expires() -> None:
    now = [0.0]
    timer = InactivityTimer(120, 20, now=lambda: now[0])
    now[0] = 99.0
    assert timer.state().phase == "active"
    now[0] = 100.5
    state = timer.state()
    assert state.phase == "countdown" and state.remaining == 20
    timer.touch()
    assert timer.state().phase == "active"
    now[0] += 120
    assert timer.state().phase == "expired"


def test_tap_gesture_needs_five_quick_taps() -> None:
    now = [0.0]
    gesture = TapGesture(5, 3.0, now=lambda: now[0])
    results = []
    for _ in range(5):
        now[0] += 2.0  # too slow: 5 taps over 8 s
        results.append(gesture.tap())
    assert not any(results)
    now[0] += 10.0
    results = []
    for _ in range(5):
        now[0] += 0.3
        results.append(gesture.tap())
    assert results == [False, False, False, False, True]


def test_pin_gate_locks_after_max_attempts() -> None:
    now = [0.0]
    checked: list[str] = []

    def verify(pin: str) -> bool:
        checked.append(pin)
        return pin == "2468"

    gate = PinGate(verify, max_attempts=3, lockout_s=300, now=lambda: now[0])
    assert gate.attempt("0000").attempts_left == 2
    assert gate.attempt("1111").attempts_left == 1
    locked = gate.attempt("2222")
    assert not locked.ok and locked.locked_for_s == 300
    now[0] += 10
    during = gate.attempt("2468")  # even the right PIN is refused during the lockout
    assert not during.ok and during.locked_for_s == 290
    assert checked == ["0000", "1111", "2222"]  # and is not even checked
    now[0] += 300
    assert gate.attempt("2468").ok


class DictMemory:
    def __init__(self) -> None:
        self.saved: tuple[int, bool, int] = (0, False, 0)

    def load(self) -> tuple[int, bool, int]:
        return self.saved

    def save(self, failures: int, locked: bool, lockouts: int) -> None:
        self.saved = (failures, locked, lockouts)


def test_pin_gate_count_and_lockout_survive_a_restart() -> None:
    now, memory = [0.0], DictMemory()

    def gate() -> PinGate:  # a fresh process: a new gate, monotonic time starting over
        now[0] = 0.0
        return PinGate(lambda pin: pin == "2468", 3, 300, now=lambda: now[0], memory=memory)

    assert gate().attempt("0000").attempts_left == 2
    assert gate().attempt("1111").attempts_left == 1  # unplugging did not give a new try
    assert gate().attempt("2222").locked_for_s == 300
    assert memory.saved == (0, True, 1)
    restarted = gate()
    now[0] = 200.0
    assert restarted.attempt("2468").locked_for_s == 300  # the lockout starts again in full
    now[0] = 450.0
    assert restarted.attempt("2468").locked_for_s == 50
    now[0] = 501.0
    assert restarted.attempt("2468").ok and memory.saved == (0, False, 0)
    assert gate().attempt("0000").attempts_left == 2  # after the lockout: a fresh count


def test_each_lockout_in_a_row_is_twice_as_long_until_a_correct_pin() -> None:
    now, memory = [0.0], DictMemory()
    gate = PinGate(lambda pin: pin == "2468", 2, 300, now=lambda: now[0], memory=memory)
    lengths = []
    for _ in range(4):
        gate.attempt("0000")
        lengths.append(gate.attempt("1111").locked_for_s)
        now[0] += lengths[-1]
    assert lengths == [300, 600, 1200, 2400]
    now[0] = 0.0  # a restart: the lockout in force starts again in full, at its level
    gate = PinGate(lambda pin: pin == "2468", 2, 300, now=lambda: now[0], memory=memory)
    assert gate.attempt("2468").locked_for_s == 2400
    now[0] += 2400
    gate.attempt("0000")
    assert gate.attempt("1111").locked_for_s == 4800  # and the next one is longer still
    now[0] += 4800
    assert gate.attempt("2468").ok
    gate.attempt("0000")
    assert gate.attempt("1111").locked_for_s == 300  # a correct PIN starts over
    assert lockout_duration(10_000, 300) == MAX_LOCKOUT_S


WEEK_S = 7 * 24 * 3600


def guesses_in_a_week(max_attempts: int, lockout_s: float, *, restart_each_time: bool) -> int:
    """Wrong PINs a patient attacker at the kiosk gets checked in 7 days: tries whenever the gate
    is open, waits out each lockout exactly, and optionally pulls the plug after every guess that
    did not lock the gate (to reset a count kept only in memory)."""
    now, memory, checked = [0.0], DictMemory(), [0]

    def verify(pin: str) -> bool:
        checked[0] += 1
        return False

    def new_gate() -> PinGate:
        return PinGate(verify, max_attempts, lockout_s, now=lambda: now[0], memory=memory)

    gate = new_gate()
    while now[0] < WEEK_S:
        result = gate.attempt("0000")
        now[0] += result.locked_for_s or 1.0  # a guess takes at least a second to type
        if restart_each_time and not result.locked_for_s:
            gate = new_gate()
    return checked[0]


@pytest.mark.parametrize("restart_each_time", [False, True])
def test_a_four_digit_pin_cannot_be_exhausted_at_the_kiosk_in_a_week(restart_each_time) -> None:
    from appliance.config import _BOUNDS, StaffSection

    default = StaffSection()
    normal = guesses_in_a_week(default.max_attempts, default.lockout_s,
                               restart_each_time=restart_each_time)
    # The weakest setting kiosk.toml accepts: most attempts, shortest lockout.
    most, least = _BOUNDS["staff.max_attempts"][1], _BOUNDS["staff.lockout_s"][0]
    weakest = guesses_in_a_week(int(most), least, restart_each_time=restart_each_time)
    assert normal < 1_000 and weakest < 1_000, (normal, weakest)
    assert weakest < 10_000 / 10  # under a tenth of the 4-digit PIN space


def test_session_wipe_forgets_everything_and_deletes_temp_files() -> None:
    s = Session()
    s.procedure_code = "1.001193"
    s.identity = Identity("001088012345", "Nguyễn Thị Mẫu", None, "Nữ", "Xã Mẫu")
    s.form["ho_ten_me"] = "Trần Thị Thử"
    s.pages["TK"] = [Page(b"%PDF-1.4 test")]
    tmp = s.temp_dir()
    (tmp / "page.jpg").write_bytes(b"x")
    s.new_confirm_code()
    draft = s.to_draft()
    assert draft.form == {"ho_ten_me": "Trần Thị Thử"} and s.active
    s.wipe()
    assert not s.active and not tmp.exists()
    assert s.identity is None and not s.form and not s.pages and s.confirm_code == ""
    assert draft.form  # the draft handed to finalize is a copy, unaffected by the wipe


def test_form_prefill_of_a_year_only_birth_date_is_the_year():
    """The form shows "1950" for a card that gives only the year, never a made-up 01/01/1950, and
    the catalogue's birth-date field accepts it as typed."""
    import datetime as dt

    from appliance.domain.catalogue import default_catalogue
    from appliance.ui.services import Services

    services = Services(Config(), store=None, catalogue=default_catalogue(), devices=None)
    field = next(f for p in default_catalogue().procedures for f in p.form
                 if f.prefill == "birth_date")
    elder = Identity("001050012345", "Lê Văn Cả", None, "Nam", "Thôn Đông", birth_year=1950)
    assert services.prefill(field, elder) == "1950"
    assert field.validate(services.prefill(field, elder)) is None
    full = Identity("001095012345", "Lê Văn Cả", dt.date(1995, 3, 5), "Nam", "Thôn Đông")
    assert services.prefill(field, full) == "05/03/1995"
    assert services.prefill(field, None) == ""


def test_form_prefill_of_an_old_card_address_uses_todays_commune_and_province():
    """Issue 14 item 11: a card from before 1/7/2025 says "huyện Thăng Bình, tỉnh Quảng Nam"; the
    form offers today's "xã Thăng Phú, thành phố Đà Nẵng" (also for the postal address), while
    the identity keeps the card's text for the payload's DiaChiThuongTru."""
    from appliance.domain.catalogue import POSTAL_ADDRESS_FIELD, default_catalogue
    from appliance.ui.services import Services

    catalogue = default_catalogue()
    services = Services(Config(), store=None, catalogue=catalogue, devices=None)
    card = "Thôn 3, xã Bình Quế, huyện Thăng Bình, tỉnh Quảng Nam"
    person = Identity("049088012345", "Phan Thị Thử", None, "Nữ", card)
    birth = catalogue.get("1.001193")
    for name in ("nguoi_yeu_cau_noi_cu_tru", POSTAL_ADDRESS_FIELD):
        field = birth.form_field(name)
        assert services.prefill(field, person) == "Thôn 3, xã Thăng Phú, thành phố Đà Nẵng"
    assert services.prefill(birth.form_field("nguoi_yeu_cau_ho_ten"), person) == "Phan Thị Thử"
    assert person.to_payload()["DiaChiThuongTru"] == card
