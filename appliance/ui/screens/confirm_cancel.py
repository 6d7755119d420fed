""""Do you really want to cancel?" — so one stray touch does not throw away a half-done dossier."""

from __future__ import annotations

from kivy.uix.modalview import ModalView

from appliance.ui.screens.base import load_kv


class ConfirmCancel(ModalView):
    def confirm(self) -> None:
        from kivy.app import App

        self.dismiss(animation=False)
        App.get_running_app().end_session()


load_kv(__file__)
