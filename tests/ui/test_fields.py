"""Fields that fit their content, on the real window (issue 13): digits on the pad, a year-only
birth date as the card gives it, the keyboard's hint and its message room, the confirmation code
on the keypad."""

from __future__ import annotations

from appliance.domain.identity import Identity
from appliance.ui import strings as T

from .harness import Driver
from .test_journey import fill_form, scan_both, show_card, start_birth_registration


def test_the_keyboard_has_a_hint_and_does_not_move_when_a_message_appears(ui: Driver) -> None:
    start_birth_registration(ui)
    show_card(ui)
    form = ui.at("form")
    ui.tap_text("Mẹ")
    keyboard = form.ids.keyboard
    assert form.mode == "text" and not form.ids.value.text
    side = next(w for w in form.ids.side.children if getattr(w, "text", None) is not None)
    assert side.text == T.FORM_HINT_SHORT and side.opacity == 1  # "gõ chữ, rồi chọn dấu"
    where = (tuple(keyboard.pos), tuple(keyboard.size))
    ui.tap(ui.nav("next"))  # nothing typed: a message
    assert form.message and side.text == form.message
    ui.pump(3)
    assert (tuple(keyboard.pos), tuple(keyboard.size)) == where
    tones = [k for k in keyboard.keys if k.action.startswith("tone:")]
    assert [k.label for k in tones] == list(T.TONE_NAMES.values())
    assert all(keyboard._fill(k) != keyboard._fill(keyboard.key_labelled("a")) for k in tones)
    assert all(keyboard.label_width(k) <= k.w - 4 for k in keyboard.keys)  # whole labels


def test_id_numbers_on_the_digit_pad_and_a_year_only_birth_date_kept(ui: Driver) -> None:
    start_birth_registration(ui)
    show_card(ui)
    form = ui.at("form")
    ui.app.go("form", edit="nguoi_yeu_cau_so_dinh_danh")
    assert form.mode == "digits" and form.ids.digits.text == "001088012345"
    assert form.ids.numpad.opacity == 1 and not form.ids.keyboard.keys
    ui.tap_text(T.DELETE)
    ui.tap_text("9")
    ui.tap(ui.nav("next"))
    assert ui.app.session.form["nguoi_yeu_cau_so_dinh_danh"] == "001088012349"

    ui.app.end_session("welcome")
    ui.app.session.procedure_code = "1.004873"  # marriage status: the birth date from the card
    ui.app.session.identity = Identity("001050012345", "Lê Văn Cả", None, "Nam", "Thôn Đông",
                                       birth_year=1950)
    ui.app.go("form", start=True)
    assert ui.app.session.form["ngay_sinh"] == "1950"
    ui.app.go("form", edit="ngay_sinh")
    assert form.mode == "date" and form.shown_date() == "1950" and form.note == T.FORM_YEAR_ONLY
    ui.tap(ui.nav("next"))
    assert not form.message and ui.app.session.form["ngay_sinh"] == "1950"


def test_a_wrong_confirmation_code_submits_nothing(ui: Driver) -> None:
    start_birth_registration(ui)
    show_card(ui)
    fill_form(ui)
    scan_both(ui)
    ui.at("review")
    ui.tap(ui.nav("next"))
    screen = ui.at("confirm")
    wrong = "".join(str((int(d) + 1) % 10) for d in screen.code)
    for digit in wrong:
        ui.tap_text(digit)
    assert screen.message == T.CONFIRM_WRONG and not screen.busy
    assert ui.app.root.current == "confirm" and ui.app.session.result is None
    for digit in screen.code:
        ui.tap_text(digit)
    ui.at("success")
