"""The scripted citizen: a khai sinh dossier by taps only on the real window, counting them.

Touches go to widget positions through the harness (no method is called behind the screen's
back); hardware stays hardware (the card is shown to the camera, sheets are fed to the scanner).
The citizen types as a person would: letter by letter on the on-screen keyboard, tapping a word
suggestion as soon as it shows the wanted word, tone keys after the letters otherwise.
Used by tests/ui/test_citizen.py (count ≤ 50) and bench/journey.py (the table).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from appliance.ui import strings as T
from appliance.ui.keyboard import TONE_KEYS
from appliance.ui.vn_input import _split

from .harness import Driver

CARD = "001088012345||Nguyễn Thị Mẫu|15031988|Nữ|Thôn Thử, xã Mẫu, tỉnh Mẫu|01012022"
CHILD_NAME = "Trần Minh Khang"
BIRTH_DATE = "01/06/2025"
BIRTH_PLACE = "Bệnh viện huyện"
ANSWERS = ("Trong 60 ngày kể từ ngày sinh", "Không thuộc các trường hợp trên",
           "Nhận qua dịch vụ bưu chính công ích")
"""The questions the catalogue added after issue 13 was filed (fee, delivery); the postal
address is the card's, so it is not asked (the review shows it)."""
NEW_QUESTIONS = "phí, nhận kq"
TONE_LABEL = {tone: T.TONE_NAMES[name] for name, tone in TONE_KEYS}


@dataclass
class Count:
    """Touches per step of the journey, split into keys (keyboard, keypad, suggestions) and
    other taps (choices, buttons)."""

    steps: dict[str, list[int]] = field(default_factory=dict)

    def add(self, step: str, taps: int, keys: int) -> None:
        got = self.steps.setdefault(step, [0, 0])
        got[0] += taps
        got[1] += keys

    @property
    def keys(self) -> int:
        return sum(k for _, k in self.steps.values())

    @property
    def total(self) -> int:
        return sum(t + k for t, k in self.steps.values())


class Citizen:
    def __init__(self, ui: Driver) -> None:
        self.ui, self.count = ui, Count()

    def tap(self, step: str, widget: Any, key: bool = False) -> None:
        before = self.ui.taps
        self.ui.tap(widget)
        self.count.add(step, 0 if key else self.ui.taps - before, self.ui.taps - before
                       if key else 0)

    def key(self, step: str, keyboard: Any, label: str) -> None:
        before = self.ui.taps
        self.ui.tap_key(keyboard, label)
        self.count.add(step, 0, self.ui.taps - before)

    def suggestion(self, form: Any, words: list[str]) -> tuple[Any, int]:
        """The shown suggestion that is the next word(s) of ``words`` (longest first)."""
        shown = {b.text: b for b in form.ids.words_box.children
                 if b.opacity > 0 and not b.disabled}
        for k in range(len(words), 0, -1):
            if " ".join(words[:k]) in shown:
                return shown[" ".join(words[:k])], k
        return None, 0

    def type_words(self, step: str, text: str) -> None:
        """Type ``text`` on the form's keyboard, taking a suggestion when it offers the word(s)."""
        form = self.ui.screen
        keyboard = form.ids.keyboard
        words = text.split()
        n = 0
        while n < len(words):
            n += self._type_word(step, form, keyboard, words[n:])
        assert " ".join(form.ids.value.text.split()) == text, form.ids.value.text

    def _type_word(self, step: str, form: Any, keyboard: Any, words: list[str]) -> int:
        """Type the first of ``words`` (or take a suggestion for it and more); how many done."""
        tone = None
        for ch in unicodedata.normalize("NFC", words[0]):
            base, modifier, mark = _split(ch)
            letter = unicodedata.normalize("NFC", base + modifier)
            tone = mark if mark.value else tone
            if ch.isupper() and not keyboard._capital():
                self.key(step, keyboard, T.SHIFT)
            self.key(step, keyboard, letter.upper() if keyboard._capital() else letter.lower())
            button, done = self.suggestion(form, words)
            if button is not None:
                self.tap(step, button, key=True)
                return done
        if tone is not None:
            self.key(step, keyboard, TONE_LABEL[tone])
        if len(words) > 1:
            self.key(step, keyboard, T.SPACE)
        return 1

    def khai_sinh(self, feed_pages: Any) -> str:
        """The whole journey; ``feed_pages()`` puts two sheets in the scanner. Returns the code."""
        ui = self.ui
        ui.at("welcome")
        self.tap("chọn thủ tục", ui.screen.ids.submit)
        ui.at("catalogue")
        self.tap("chọn thủ tục", ui.button("Hộ tịch"))
        self.tap("chọn thủ tục", ui.button("Đăng ký khai sinh"))
        ui.at("procedure")
        self.tap("chọn thủ tục", ui.nav("next"))
        ui.at("identity")
        ui.app.services.devices.camera.inject(CARD)  # the card shown to the camera: no tap
        self.fill_form()
        self.scan(feed_pages)
        ui.at("review")
        self.tap("kiểm tra", ui.nav("next"))
        confirm = ui.at("confirm")
        for digit in confirm.code:
            self.tap("mã xác nhận", ui.button(digit), key=True)
        success = ui.at("success")
        return str(success.code)

    def fill_form(self) -> None:
        ui = self.ui
        form = ui.at("form")
        self.tap("tờ khai", ui.button("Mẹ"))
        self.type_words("tờ khai", CHILD_NAME)
        self.tap("tờ khai", ui.nav("next"))
        assert form.mode == "date", form.label
        for digit in BIRTH_DATE.replace("/", ""):
            self.tap("tờ khai", ui.button(digit), key=True)
        self.tap("tờ khai", ui.nav("next"))
        self.tap("tờ khai", ui.button("Nam"))
        self.type_words("tờ khai", BIRTH_PLACE)
        self.tap("tờ khai", ui.nav("next"))
        # what the fee and the result depend on (issue 14, after issue 13's count): big buttons
        for answer in ANSWERS:
            self.tap(NEW_QUESTIONS, ui.button(answer))

    def scan(self, feed_pages: Any) -> None:
        ui = self.ui
        scan = ui.at("scan")
        for _ in range(2):  # the two required papers
            feed_pages()
            self.tap("quét giấy tờ", scan.ids.scan)
            ui.wait_until(lambda: not scan.busy, what="scan done")
            self.tap("quét giấy tờ", ui.nav("next"))
        self.tap("quét giấy tờ", ui.nav("next"))  # the optional paper: skipped


BEFORE = {"total": 69, "keys": 43}
"""The issue's count, best case, before this work (issue 13)."""


def table(count: Count) -> str:
    lines = [f"{'step':<16}{'taps':>6}{'keys':>6}{'total':>7}"]
    for step, (taps, keys) in count.steps.items():
        lines.append(f"{step:<16}{taps:>6}{keys:>6}{taps + keys:>7}")
    lines.append(f"{'after (total)':<16}{count.total - count.keys:>6}{count.keys:>6}"
                 f"{count.total:>7}")
    added = sum(count.steps.get(NEW_QUESTIONS, [0, 0]))
    lines.append(f"{'after, issue qs':<16}{count.total - count.keys - added:>6}"
                 f"{count.keys:>6}{count.total - added:>7}")
    lines.append(f"{'before (issue)':<16}{BEFORE['total'] - BEFORE['keys']:>6}"
                 f"{BEFORE['keys']:>6}{BEFORE['total']:>7}")
    return "\n".join(lines)
