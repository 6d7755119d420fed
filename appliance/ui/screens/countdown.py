"""The visible inactivity countdown laid over whatever screen is open (DESIGN §6)."""

from __future__ import annotations

from kivy.app import App
from kivy.uix.floatlayout import FloatLayout

from appliance.ui.screens.base import load_kv


class CountdownOverlay(FloatLayout):
    def on_touch_down(self, touch: object) -> bool:
        App.get_running_app().activity()
        return True  # the touch only says "I am still here"; it does not press what is beneath


load_kv(__file__)
