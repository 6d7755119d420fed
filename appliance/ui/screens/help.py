"""Help, from any screen: the header's "Gọi cán bộ" (or the cabinet's help button) raises the GPIO
help output (a bell or light at the counter) and lays this notice over the screen.

The citizen's place is kept underneath, and the inactivity countdown is paused while the notice is
open (someone is coming: a slow answer must not wipe the session). Staff or the citizen close it
with its one button; that also turns the help output off.
"""

from __future__ import annotations

from kivy.app import App
from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView

from appliance.ui.screens.base import load_kv


class HelpOverlay(ModalView):
    state = StringProperty("")
    """"called" (the output is raised) or "failed" (no GPIO: go to the counter)."""

    def on_dismiss(self) -> None:
        App.get_running_app().help_dismissed(self)


load_kv(__file__)
