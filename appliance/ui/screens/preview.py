"""A camera preview that reuses one texture (never a texture per frame: long-running kiosk)."""

from __future__ import annotations

from typing import Any

from kivy.graphics.texture import Texture
from kivy.uix.image import Image


class CameraPreview(Image):
    texture: Texture | None  # Image's Kivy property (declared for the checker; no runtime effect)

    def show_frame(self, image: Any) -> None:
        """Blit a PIL RGB image into the widget's texture (UI thread only)."""
        rgb = image.convert("RGB").transpose(1)  # Kivy textures start at the bottom row
        size = rgb.size
        tex = self.texture
        if tex is None or tuple(tex.size) != size:
            tex = Texture.create(size=size, colorfmt="rgb")
            self.texture = tex
        tex.blit_buffer(rgb.tobytes(), colorfmt="rgb", bufferfmt="ubyte")
        self.canvas.ask_update()

    def clear(self) -> None:
        self.texture = None
