"""The on-screen Vietnamese keyboard, drawn as one widget with one texture.

Every Vietnamese letter has its own key (ă â đ ê ô ơ ư included); five tone keys named as taught
in school (sắc, huyền, hỏi, ngã, nặng) put the tone on the right vowel of the word just typed, so
an elderly citizen types "Nguyên" and presses "ngã" to get "Nguyễn"; pressing a tone again takes
it off (vn_input.py). Keys are rectangles on the canvas and all their labels are rendered into a
single texture: forty Kivy buttons would cost ~8 MB of textures and widgets under Mesa, on a
board that runs for months.

Every key has a border; the tone keys are tinted and bold so they do not read as letters, and
they share the bottom row only with "Chữ hoa" and "Dấu cách", wide enough for whole labels at
800×480. Keys act at the field's cursor (editing.py): tap the text to move it.
"""

from __future__ import annotations

from dataclasses import dataclass

from kivy.app import App
from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.graphics.texture import Texture
from kivy.input.motionevent import MotionEvent
from kivy.properties import BooleanProperty, ObjectProperty, OptionProperty
from kivy.uix.widget import Widget

from appliance.ui import editing
from appliance.ui import strings as T
from appliance.ui import theme as C
from appliance.ui.vn_input import Tone
from kioskbase.fonts import find_font

LETTER_ROWS = (
    ("a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "h"),
    ("i", "k", "l", "m", "n", "o", "ô", "ơ", "p", "q", "r"),
    ("s", "t", "u", "ư", "v", "x", "y", "f", "j", "w", "z", ","),
)
DIGIT_ROWS = (
    ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "-"),
    (".", "/", "(", ")", ":", "@", "+", "'", "#", "&", ","),
)
TONE_KEYS = (
    ("acute", Tone.ACUTE),
    ("grave", Tone.GRAVE),
    ("hook", Tone.HOOK),
    ("tilde", Tone.TILDE),
    ("dot", Tone.DOT),
)
GAP = 2
BORDER = 2
KEY_FILL = (1, 1, 1, 1)
TONE_FILL = (1.0, 0.9, 0.62, 1)
"""Tone keys: amber, so they read as marks to add and not as letters."""
FUNCTION_FILL = (0.88, 0.88, 0.86, 1)
PRESSED_FILL = (0.7, 0.8, 0.95, 1)
BORDER_COLOR = (0.45, 0.45, 0.5, 1)


@dataclass(frozen=True)
class Key:
    label: str
    action: str
    """"char", "tone:<name>", "shift", "digits", "space" or "delete"."""
    x: float
    y: float
    w: float
    h: float

    def contains(self, x: float, y: float) -> bool:
        return self.x <= x < self.x + self.w and self.y <= y < self.y + self.h


class VnKeyboard(Widget):
    target = ObjectProperty(None, allownone=True)
    shift = BooleanProperty(False)
    digits = BooleanProperty(False)
    auto_capital = OptionProperty("", options=["", "first", "words"])
    """Capitalise the first letter of the text ("first") or of every word ("words": names)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.keys: list[Key] = []
        self._pressed: Key | None = None
        self._texture: Texture | None = None
        self._later = Clock.create_trigger(self._redraw)
        self.bind(pos=self._redraw, size=self._redraw, shift=self._redraw, digits=self._redraw,
                  auto_capital=self._redraw, disabled=self._redraw)

    # ---- layout and drawing
    def _rows(self) -> list[list[tuple[str, str, float]]]:
        capital = self._capital()
        rows = [[(ch.upper() if capital else ch, "char", 1.0) for ch in row]
                for row in (DIGIT_ROWS if self.digits else LETTER_ROWS)]
        rows[0].append((T.DELETE, "delete", 1.0))
        rows[1].append((T.LETTERS if self.digits else T.DIGITS, "digits", 1.0))
        tone_row = [(T.TONE_NAMES[name], f"tone:{name}", 1.0) for name, _ in TONE_KEYS]
        tone_row += [(T.SHIFT, "shift", 1.5), (T.SPACE, "space", 1.7)]
        return [*rows, tone_row]

    def _layout(self) -> list[Key]:
        rows = self._rows()
        row_h = (self.height - GAP * (len(rows) - 1)) / len(rows)
        keys = []
        for r, row in enumerate(rows):
            y = self.top - (r + 1) * row_h - r * GAP
            unit = (self.width - GAP * (len(row) - 1)) / sum(w for _, _, w in row)
            x = self.x
            for label, action, weight in row:
                w = unit * weight
                keys.append(Key(label, action, x, y, w, row_h))
                x += w + GAP
        return keys

    def _redraw(self, *_args: object) -> None:
        self.canvas.clear()
        if self.disabled or self.width < 10 or self.height < 10:
            self.keys = []
            return  # a hidden keyboard draws nothing and holds no texture
        self.keys = self._layout()
        with self.canvas:
            for key in self.keys:
                Color(*BORDER_COLOR)
                Rectangle(pos=(key.x, key.y), size=(key.w, key.h))
                Color(*self._fill(key))
                Rectangle(pos=(key.x + BORDER, key.y + BORDER),
                          size=(key.w - 2 * BORDER, key.h - 2 * BORDER))
            Color(1, 1, 1, 1)
            Rectangle(texture=self._labels(), pos=self.pos, size=self.size)

    def _fill(self, key: Key) -> tuple[float, ...]:
        if key is self._pressed or (key.action == "shift" and self.shift):
            return PRESSED_FILL
        if key.action.startswith("tone:"):
            return TONE_FILL
        return KEY_FILL if key.action == "char" else FUNCTION_FILL

    def _labels(self) -> Texture:
        """All key labels in one RGBA texture (reused while the size stays the same)."""
        from PIL import Image, ImageDraw, ImageFont

        w, h = int(self.width), int(self.height)
        image = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        draw = ImageDraw.Draw(image)
        size = self.label_px()
        regular = ImageFont.truetype(find_font("Roboto-Regular.ttf"), size)
        bold = ImageFont.truetype(find_font("Roboto-Bold.ttf"), size)
        text_color = tuple(int(c * 255) for c in C.TEXT)
        for key in self.keys:
            cx = key.x - self.x + key.w / 2
            cy = h - (key.y - self.y + key.h / 2)  # PIL counts rows from the top
            font = bold if key.action.startswith("tone:") else regular
            draw.text((cx, cy), key.label, font=font, fill=text_color, anchor="mm")
        image = image.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
        if self._texture is None or tuple(self._texture.size) != (w, h):
            self._texture = Texture.create(size=(w, h), colorfmt="rgba")
        self._texture.blit_buffer(image.tobytes(), colorfmt="rgba", bufferfmt="ubyte")
        return self._texture

    def label_px(self) -> int:
        """The labels' font size: the body size, or less where the portrait's bigger type would
        not fit a key ("Chữ hoa" on a 10-key row), never below 80 % of it."""
        app = App.get_running_app()
        body = int(app.ui.body if app else 30)
        fits = [body * (key.w - 12) / max(self._width_at(key, body), 1.0) for key in self.keys]
        return max(int(body * 0.8), min([body, *[int(f) for f in fits]]))

    def _width_at(self, key: Key, px: int) -> float:
        from PIL import ImageFont

        name = "Roboto-Bold.ttf" if key.action.startswith("tone:") else "Roboto-Regular.ttf"
        return float(ImageFont.truetype(find_font(name), px).getlength(key.label))

    def label_width(self, key: Key) -> float:
        """How wide ``key``'s label is drawn (the readability test checks it fits the key)."""
        return self._width_at(key, self.label_px())

    # ---- touches
    def key_at(self, x: float, y: float) -> Key | None:
        return next((k for k in self.keys if k.contains(x, y)), None)

    def key_labelled(self, label: str) -> Key | None:
        return next((k for k in self.keys if k.label == label), None)

    def on_touch_down(self, touch: MotionEvent) -> bool:
        if self.disabled or not self.collide_point(*touch.pos):
            return False
        self._pressed = self.key_at(*touch.pos)
        self._redraw()
        touch.grab(self)
        return True

    def on_touch_up(self, touch: MotionEvent) -> bool:
        if touch.grab_current is not self:
            return False
        touch.ungrab(self)
        key, self._pressed = self._pressed, None
        if key is not None and key.contains(*touch.pos):
            self.press(key)
        self._redraw()
        return True

    def press(self, key: Key) -> None:
        if key.action == "char":
            self.type_letter(key.label)
        elif key.action.startswith("tone:"):
            self.type_tone(key.action[5:])
        elif key.action == "shift":
            self.shift = not self.shift
        elif key.action == "digits":
            self.digits = not self.digits
        elif key.action == "space":
            self.space()
        elif key.action == "delete":
            self.backspace()

    # ---- typing, at the target's cursor
    def _cursor(self) -> int:
        target = self.target
        index = target.cursor_index() if hasattr(target, "cursor_index") else len(target.text)
        return max(0, min(int(index), len(target.text)))

    def _edit(self, change: tuple[str, int]) -> None:
        text, index = change
        self.target.text = text
        if hasattr(self.target, "get_cursor_from_index"):
            self.target.cursor = self.target.get_cursor_from_index(index)

    def _capital(self) -> bool:
        if self.shift:
            return True
        if not self.auto_capital or self.target is None:
            return False
        before = self.target.text[:self._cursor()]
        return not before.strip() or (self.auto_capital == "words" and before[-1] == " ")

    def on_target(self, *_args: object) -> None:
        if self.target is not None:  # redrawn on the next frame, once text and cursor settled
            self.target.bind(text=self._later, cursor=self._later)
        self._redraw()

    def _activity(self) -> None:
        app = App.get_running_app()
        if app is not None:
            app.activity()

    def type_letter(self, ch: str) -> None:
        self._activity()
        if self.target is None:
            return
        ch = ch.upper() if self._capital() else ch.lower()
        self._edit(editing.insert(self.target.text, self._cursor(), ch))
        self.shift = False

    def type_tone(self, name: str) -> None:
        self._activity()
        if self.target is not None:
            self._edit(editing.tone(self.target.text, self._cursor(), dict(TONE_KEYS)[name]))

    def space(self) -> None:
        self._activity()
        if self.target is not None:
            self._edit(editing.space(self.target.text, self._cursor()))

    def backspace(self) -> None:
        self._activity()
        if self.target is not None:
            self._edit(editing.delete_before(self.target.text, self._cursor()))

    def current_word(self) -> str:
        """The letters of the word at the cursor typed so far (what a suggestion completes)."""
        if self.target is None:
            return ""
        return editing.word_before(self.target.text, self._cursor())

    def at_start(self) -> bool:
        """Whether the word at the cursor is the first of the text."""
        if self.target is None:
            return True
        start, _ = editing.word_around(self.target.text, self._cursor())
        return not self.target.text[:start].strip()

    def choose_word(self, word: str) -> None:
        """Put a suggested word in place of the one being typed (capitalised like a typed one)."""
        self._activity()
        if self.target is None:
            return
        start, _ = editing.word_around(self.target.text, self._cursor())
        before = self.target.text[:start]
        capital = self.auto_capital == "words" or (self.auto_capital == "first"
                                                     and not before.strip())
        if capital and word:
            word = word[0].upper() + word[1:]
        self._edit(editing.replace_word(self.target.text, self._cursor(), word))
