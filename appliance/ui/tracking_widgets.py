"""Widgets for the short tracking code: its keypad, its field, and the slip's QR on screen.

The keypad holds exactly the code's 31 symbols (``domain.tracking_code.ALPHABET``) as one
8 × 4 grid (the delete key is a word beside the field): no letter/number switching, no key that
cannot be part of a code, and the dash appears by itself after the fourth symbol. Typing the
eighth symbol looks the code up, so a code costs 8 taps.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.app import App
from kivy.graphics.texture import Texture
from kivy.lang import Builder
from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.gridlayout import GridLayout
from kivy.uix.image import Image
from kivy.uix.label import Label

from appliance.domain.tracking_code import ALPHABET, LENGTH
from appliance.ui import strings as T

DELETE = T.DELETE

Builder.load_string("""
#:import C appliance.ui.theme
<CodeKeypad>:
    cols: 8
    spacing: max(2, app.ui.pad // 4)
<CodeInput>:
    size_hint_y: None
    height: app.ui.target
    font_size: app.ui.title
    halign: "center"
    valign: "middle"
    text_size: self.size
    canvas.before:
        Color:
            rgba: 1, 1, 1, 1
        Rectangle:
            pos: self.pos
            size: self.size
        Color:
            rgba: C.MUTED
        Line:
            rectangle: self.x, self.y, self.width, self.height
            width: 1.5
<QrImage>:
    fit_mode: "contain"
""")


def symbols(text: str) -> str:
    """The code symbols in ``text`` (upper-cased; anything else, the dash included, dropped)."""
    return "".join(c for c in text.upper() if c in ALPHABET)[:LENGTH]


class CodeInput(Label):
    """The tracking code as typed so far, ``ABCD-2345`` (the keypad writes ``text``). A display,
    not a text field: nothing to select, no cursor to place, and a full dossier code from a
    scanned QR is shown as it is."""

    text: str  # Label's Kivy property (declared for the checker; no runtime effect)


def display_code(typed: str) -> str:
    """Partial codes too: ``ABCDE`` → ``ABCD-E``."""
    return f"{typed[:4]}-{typed[4:]}" if len(typed) > 4 else typed


class CodeKeypad(GridLayout):
    """The 31 symbols, typing into ``target`` (the delete key, a word, sits by the field);
    ``complete`` is called with the text once the eighth symbol is typed."""

    target = ObjectProperty(None, allownone=True)
    complete = ObjectProperty(None, allownone=True)
    delete = DELETE

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        from appliance.ui.widgets import BigButton

        app = App.get_running_app()
        for label in ALPHABET:
            key = BigButton(text=label)
            key.bind(on_release=lambda button: self.press(button.text))
            if app is not None and hasattr(app, "ui"):
                key.font_size = app.ui.title  # one symbol per key: as large as a title
            self.add_widget(key)

    def key_labelled(self, label: str) -> object | None:
        return next((k for k in self.children if k.text == label), None)

    def press(self, key: str) -> None:
        app = App.get_running_app()
        if app is not None:
            app.activity()
        if self.target is None:
            return
        typed = symbols(self.target.text)
        if key == DELETE:
            self.target.text = display_code(typed[:-1])
            return
        if len(typed) >= LENGTH:
            return
        typed += key
        self.target.text = display_code(typed)
        done: Callable[[str], None] | None = self.complete
        if len(typed) == LENGTH and done is not None:
            done(self.target.text)


class QrImage(Image):
    """A QR code drawn from ``data`` (the slip's own QR, so a phone can open the lookup page)."""

    data = StringProperty("")

    def on_data(self, *_args: object) -> None:
        if not self.data:
            self.texture = None
            return
        import segno

        matrix = segno.make(self.data, error="m", micro=False).matrix
        border = 2
        size = len(matrix) + 2 * border
        pixels = bytearray(b"\xff" * size * size)
        for y, row in enumerate(matrix):
            for x, dark in enumerate(row):
                if dark:  # textures start at the bottom row
                    pixels[(size - 1 - (y + border)) * size + x + border] = 0
        texture = Texture.create(size=(size, size), colorfmt="luminance")
        texture.blit_buffer(bytes(pixels), colorfmt="luminance", bufferfmt="ubyte")
        texture.mag_filter = "nearest"
        texture.min_filter = "nearest"
        self.texture = texture


__all__ = ["DELETE", "CodeInput", "CodeKeypad", "QrImage", "display_code", "symbols"]
