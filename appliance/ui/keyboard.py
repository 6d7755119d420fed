"""The on-screen Vietnamese keyboard, drawn as one widget with one texture.

Every Vietnamese letter has its own key (ă â đ ê ô ơ ư included); five tone keys named as taught
in school (sắc, huyền, hỏi, ngã, nặng) put the tone on the right vowel of the word just typed, so
an elderly citizen types "Nguyên" and presses "ngã" to get "Nguyễn"; pressing a tone again takes
it off (vn_input.py). Keys are rectangles on the canvas and all their labels are rendered into a
single texture: forty Kivy buttons would cost ~8 MB of textures and widgets under Mesa, on a
board that runs for months.
"""

from __future__ import annotations

from dataclasses import dataclass

from kivy.app import App
from kivy.graphics import Color, Rectangle
from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, ObjectProperty, OptionProperty
from kivy.uix.widget import Widget

from appliance.ui import strings as T
from appliance.ui import theme as C
from appliance.ui.vn_input import Tone, press_tone
from kioskbase.fonts import find_font

LETTER_ROWS = (
    ("a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "h"),
    ("i", "k", "l", "m", "n", "o", "ô", "ơ", "p", "q", "r"),
    ("s", "t", "u", "ư", "v", "x", "y", "f", "j", "w", "z"),
)
DIGIT_ROWS = (
    ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "-"),
    (",", ".", "/", "(", ")", ":", "@", "+", "'", "#", "&"),
)
TONE_KEYS = (
    ("acute", Tone.ACUTE),
    ("grave", Tone.GRAVE),
    ("hook", Tone.HOOK),
    ("tilde", Tone.TILDE),
    ("dot", Tone.DOT),
)
GAP = 2


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
        self.bind(pos=self._redraw, size=self._redraw, shift=self._redraw, digits=self._redraw,
                  auto_capital=self._redraw, disabled=self._redraw)

    # ---- layout and drawing
    def _rows(self) -> list[list[tuple[str, str, float]]]:
        capital = self._capital()
        rows = [[(ch.upper() if capital else ch, "char", 1.0) for ch in row]
                for row in (DIGIT_ROWS if self.digits else LETTER_ROWS)]
        tone_row = [(T.TONE_NAMES[name], f"tone:{name}", 1.0) for name, _ in TONE_KEYS]
        tone_row += [(T.SHIFT, "shift", 1.5), (T.LETTERS if self.digits else T.DIGITS,
                                                  "digits", 1.0),
                     (T.SPACE, "space", 1.7), (T.DELETE, "delete", 1.0)]
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
                lit = key is self._pressed or (key.action == "shift" and self.shift)
                Color(*((0.7, 0.8, 0.95, 1) if lit else (1, 1, 1, 1)))
                Rectangle(pos=(key.x, key.y), size=(key.w, key.h))
            Color(1, 1, 1, 1)
            Rectangle(texture=self._labels(), pos=self.pos, size=self.size)

    def _labels(self) -> Texture:
        """All key labels in one RGBA texture (reused while the size stays the same)."""
        from PIL import Image, ImageDraw, ImageFont

        w, h = int(self.width), int(self.height)
        image = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        draw = ImageDraw.Draw(image)
        app = App.get_running_app()
        font = ImageFont.truetype(find_font("Roboto-Regular.ttf"), int(app.ui.body if app else 30))
        text_color = tuple(int(c * 255) for c in C.TEXT)
        for key in self.keys:
            cx = key.x - self.x + key.w / 2
            cy = h - (key.y - self.y + key.h / 2)  # PIL counts rows from the top
            draw.text((cx, cy), key.label, font=font, fill=text_color, anchor="mm")
        image = image.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
        if self._texture is None or tuple(self._texture.size) != (w, h):
            self._texture = Texture.create(size=(w, h), colorfmt="rgba")
        self._texture.blit_buffer(image.tobytes(), colorfmt="rgba", bufferfmt="ubyte")
        return self._texture

    # ---- touches
    def key_at(self, x: float, y: float) -> Key | None:
        return next((k for k in self.keys if k.contains(x, y)), None)

    def key_labelled(self, label: str) -> Key | None:
        return next((k for k in self.keys if k.label == label), None)

    def on_touch_down(self, touch: object) -> bool:
        if self.disabled or not self.collide_point(*touch.pos):
            return False
        self._pressed = self.key_at(*touch.pos)
        self._redraw()
        touch.grab(self)
        return True

    def on_touch_up(self, touch: object) -> bool:
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

    # ---- typing
    def _capital(self) -> bool:
        if self.shift:
            return True
        if not self.auto_capital or self.target is None:
            return False
        text = self.target.text
        return not text or (self.auto_capital == "words" and text[-1] == " ")

    def on_target(self, *_args: object) -> None:
        if self.target is not None:
            self.target.bind(text=self._redraw)
        self._redraw()

    def _activity(self) -> None:
        app = App.get_running_app()
        if app is not None:
            app.activity()

    def type_letter(self, ch: str) -> None:
        self._activity()
        if self.target is None:
            return
        self.target.text += ch.upper() if self._capital() else ch.lower()
        self.shift = False

    def type_tone(self, name: str) -> None:
        self._activity()
        if self.target is not None:
            self.target.text = press_tone(self.target.text, dict(TONE_KEYS)[name])

    def space(self) -> None:
        self._activity()
        if self.target is not None and self.target.text and not self.target.text.endswith(" "):
            self.target.text += " "

    def backspace(self) -> None:
        self._activity()
        if self.target is not None:
            self.target.text = self.target.text[:-1]


