"""The review screen edits in place (issue 13): paged, never below the fold; "Sửa" opens the
answer with the cursor where the citizen taps, and "Xong" comes straight back to the review."""

from __future__ import annotations

from appliance.ui import strings as T
from appliance.ui.widgets import BigButton

from .harness import Driver, walk
from .test_journey import fill_form, scan_both, show_card, start_birth_registration
from .test_zz_readable import visible


def edit_button(ui: Driver, review, label: str) -> BigButton:
    """The "Sửa" of the row whose label starts with ``label``, turning pages as a citizen would
    (back to the first page, then forward)."""
    while review.page > 0:
        ui.tap_text(T.REVIEW_PREV)
    for _ in range(review.pages):
        for row in review.ids.summary.children:
            texts = [w.text for w in walk(row) if hasattr(w, "text")]
            if any(t.startswith(f"[b]{label}") for t in texts):
                return next(w for w in walk(row) if isinstance(w, BigButton))
        ui.tap_text(T.REVIEW_NEXT_PAGE)
    raise AssertionError(f"no row {label!r} on the review")


def tap_in_text(ui: Driver, field, index: int) -> None:
    """Touch the text field just after its ``index``-th letter."""
    end = field.cursor
    field.cursor = field.get_cursor_from_index(index)
    x, y = field.cursor_pos
    field.cursor = end
    ui.tap_at(*field.to_window(x + 1, y - field.line_height / 2))


def test_review_pages_fit_and_edit_returns_straight_to_review(ui: Driver) -> None:
    start_birth_registration(ui)
    show_card(ui)
    fill_form(ui)
    scan_both(ui)
    review = ui.at("review")
    assert review.pages > 1  # 800×480: what does not fit is on a next page, with a big button
    for page in range(review.pages):
        assert review.ids.summary.height <= review.ids.page_area.height + 1, page
        if page + 1 < review.pages:
            ui.tap_text(T.REVIEW_NEXT_PAGE)
    ui.tap_text(T.REVIEW_PREV)

    ui.tap(edit_button(ui, review, "Họ, chữ đệm, tên của trẻ"))
    page = review.page
    form = ui.at("form")
    field, keyboard = form.ids.value, form.ids.keyboard
    assert form.editing and field.text == "Trần Minh Khang"
    tap_in_text(ui, field, 7)  # inside "Minh", after "Mi"
    assert field.cursor_index() == 7
    ui.tap_key(keyboard, T.TONE_NAMES["grave"])  # the tone goes on the word at the cursor
    assert field.text == "Trần Mình Khang"
    tap_in_text(ui, field, 2)  # after "Tr"
    ui.tap_key(keyboard, T.DELETE)  # deletes at the cursor, not at the end
    assert field.text == "Tần Mình Khang"
    ui.tap_key(keyboard, "r")
    assert field.text == "Trần Mình Khang"
    assert ui.nav("next").text == T.EDIT_DONE
    ui.tap(ui.nav("next"))
    ui.at("review")  # straight back, on the same page: no walk through the other questions
    assert ui.app.session.form["tre_ho_ten"] == "Trần Mình Khang" and review.page == page > 0

    ui.tap(edit_button(ui, review, "Ngày sinh của trẻ"))
    assert form.mode == "date" and form.shown_date() == "01/06/2025"
    for _ in range(5):
        ui.tap_text(T.DELETE)
    assert form.shown_date() == "01/0_/____"
    for key in "52025":  # the month and the year typed again; the slashes come by themselves
        ui.tap_text(key)
    ui.tap(ui.nav("next"))
    ui.at("review")
    assert ui.app.session.form["tre_ngay_sinh"] == "01/05/2025"

    ui.tap(edit_button(ui, review, "Giấy chứng sinh"))  # a paper: its scan, then back here
    scan = ui.at("scan")
    assert scan.index == 1 and scan.pages == 2
    ui.tap(ui.button(T.SCAN_DELETE))
    ui.tap(ui.nav("next"))
    ui.at("review")
    assert ui.app.session.page_count("GIAY_CHUNG_SINH") == 1


def test_a_date_shows_its_format_before_any_error(ui: Driver) -> None:
    start_birth_registration(ui)
    show_card(ui)
    form = ui.at("form")
    ui.tap_text("Mẹ")
    form.ids.value.text = "Trần Minh Khang"
    ui.tap(ui.nav("next"))
    assert form.mode == "date" and form.shown_date() == "__/__/____"
    assert form.note == T.FORM_DATE_HINT and not form.message  # the format, before any mistake
    assert not form.ids.keyboard.keys  # no letter keyboard for a date: the digit pad
    for key in "5/3/2025":
        ui.tap_text(key)
    ui.tap(ui.nav("next"))
    assert ui.app.session.form["tre_ngay_sinh"] == "05/03/2025" and form.mode == "choice"
    assert not visible(form.ids.value)  # a choice: big buttons, no empty box to type in
