"""Staff mode: queue and sync state, devices, site, date and time, Wi-Fi, transport, day report.

Every store or device call goes through services (off the UI thread); each tab redraws itself
from the answer. Staff read Vietnamese; the precise English codes are in logs and `kiosk status`.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from appliance.ui import strings as T
from appliance.ui.screens.base import KioskScreen, load_kv
from appliance.ui.widgets import BigButton, Body, TabButton, TelexInput, Title, grow_to_text

TABS = (
    ("queue", T.STAFF_QUEUE),
    ("devices", T.STAFF_DEVICES),
    ("site", T.STAFF_SITE),
    ("clock", T.STAFF_CLOCK),
    ("wifi", T.STAFF_WIFI),
    ("transport", T.STAFF_TRANSPORT),
)


class StaffScreen(KioskScreen):
    back_to = "welcome"
    tab = StringProperty("queue")

    def on_kv_post(self, _base_widget: object) -> None:
        self._tabs: dict[str, TabButton] = {}
        for key, label in TABS:
            button = TabButton(text=label)
            self._tabs[key] = button
            button.bind(on_release=lambda _b, k=key: self.show(k))
            self.ids.tabs.add_widget(button)

    def prepare(self, tab: str = "queue", **_kw: Any) -> None:
        self.show(tab)

    def reset(self) -> None:
        super().reset()
        self.ids.content.clear_widgets()

    def go_back(self) -> None:
        self.app.end_session()

    def ask_cancel(self) -> None:
        self.app.end_session()

    # ---- helpers
    def _clear(self) -> BoxLayout:
        box = self.ids.content
        box.clear_widgets()
        return box

    def _line(self, text: str, **kw: Any) -> Body:
        body = Body(text=text, **kw)
        self.ids.content.add_widget(body)
        return body

    def _button(self, text: str, action: Any, kind: str = "secondary") -> BigButton:
        button = grow_to_text(BigButton(text=text, kind=kind, size_hint_y=None))
        button.bind(on_release=lambda *_: action())
        self.ids.content.add_widget(button)
        return button

    def show(self, tab: str) -> None:
        self.tab, self.message = tab, ""
        for key, button in self._tabs.items():
            button.selected = key == tab
        self._clear()
        self._line(T.WAIT)
        getattr(self, f"_tab_{tab}")()

    # ---- tabs
    def _tab_queue(self) -> None:
        def draw(info: dict[str, Any]) -> None:
            self._clear()
            counts = info["counts"]
            summary = " · ".join(
                f"{T.STAFF_STATE_NAMES.get(k, k)}: {counts.get(k, 0)}"
                for k in ("queued", "sending", "sent", "quarantined")
            )
            self._line(summary)
            self._line(T.STAFF_LAST_SUCCESS.format(when=info["last_success"] or T.STAFF_NEVER))
            if info["oldest"]:
                self._line(T.STAFF_OLDEST.format(age=info["oldest"]))
            self._button(T.STAFF_SEND_NOW, self._send_now, "primary")
            for alert in info["alerts"] or []:
                self._line(alert, color=(0.7, 0.1, 0.1, 1))
            if not info["alerts"]:
                self._line(T.STAFF_NO_ALERTS)
            self.ids.content.add_widget(Title(text=T.STAFF_QUARANTINED))
            for rec in info["quarantined"]:
                self._line(f"{rec.code}: {rec.quarantine_reason}")
                self._button(f"{T.STAFF_RESTORE} {rec.code}", lambda r=rec: self._restore(r.id))
            if not info["quarantined"]:
                self._line(T.STAFF_NO_QUARANTINE)
            self._button(T.STAFF_REPORT, self._report)

        self.services.staff_queue(draw, self._failed)

    def _send_now(self) -> None:
        self.services.request_sync(lambda *_: self._notice(T.STAFF_SEND_REQUESTED), self._failed)

    def _restore(self, dossier_id: str) -> None:
        self.services.restore(dossier_id, lambda *_: self.show("queue"), self._failed)

    def _report(self) -> None:
        self.services.print_report(lambda *_: self._notice(T.STAFF_REPORT_PRINTED),
                                   lambda m: self._notice(T.STAFF_REPORT_FAIL.format(reason=m)))

    def _tab_devices(self) -> None:
        def draw(statuses: list[tuple[str, str, str]]) -> None:
            self._clear()
            for name, state, reason in statuses:
                self._line(f"{name}: {T.STATUS_NAMES.get(state, state)} — {reason}")
            self._button(T.STAFF_TEST_PAGE, self._test_page, "primary")

        self.services.device_statuses(draw, self._failed)

    def _test_page(self) -> None:
        self.services.print_test_page(lambda *_: self._notice(T.STAFF_REPORT_PRINTED),
                                      lambda m: self._notice(T.STAFF_REPORT_FAIL.format(reason=m)))

    def _tab_site(self) -> None:
        def draw(info: tuple[str, list[str]]) -> None:
            current, sites = info
            self._clear()
            self._line(T.STAFF_SITE_NOW.format(site=current))
            for site in sites:
                self._button(site, lambda s=site: self._set_site(s),
                             "primary" if site == current else "secondary")

        self.services.sites(draw, self._failed)

    def _set_site(self, site: str) -> None:
        self.services.set_site(site, lambda *_: self._redraw("site", T.STAFF_SITE_SAVED),
                               self._failed)

    def _tab_clock(self) -> None:
        def draw(info: tuple[Any, str]) -> None:
            status, now_text = info
            self._clear()
            if status.trusted:
                self._line(T.STAFF_CLOCK_OK)
                self._line(now_text)
                return
            self._line(T.STAFF_CLOCK_ASK)
            self.ids.content.add_widget(Title(text=now_text))
            self._line(status.reason_vi)
            self._button(T.STAFF_CLOCK_CONFIRM, self._confirm_clock, "primary")
            self._line(T.STAFF_CLOCK_WRONG)

        self.services.clock_info(draw, self._failed)

    def _confirm_clock(self) -> None:
        self.services.confirm_clock(lambda *_: self._redraw("clock", T.STAFF_CLOCK_DONE),
                                    self._failed)

    def _tab_wifi(self) -> None:
        def draw(info: tuple[str, list[str]]) -> None:
            state, networks = info
            self._clear()
            self._line(T.STAFF_WIFI_STATE.format(state=state))
            self._button(T.STAFF_WIFI_SCAN, lambda: self.show("wifi"))
            password = TelexInput(telex_enabled=False, hint_text=T.STAFF_WIFI_PASSWORD,
                                  password=True)
            self.ids.content.add_widget(password)
            for ssid in networks:
                self._button(f"{T.STAFF_WIFI_CONNECT}: {ssid}",
                             lambda s=ssid: self._connect(s, password.text))

        self.services.wifi(draw, self._failed)

    def _connect(self, ssid: str, password: str) -> None:
        self.services.wifi_connect(ssid, password, lambda *_: self.show("wifi"), self._failed)

    def _tab_transport(self) -> None:
        def draw(info: tuple[bool, int]) -> None:
            on, pending = info
            self._clear()
            self._button(T.STAFF_TRANSPORT_OFF if on else T.STAFF_TRANSPORT_ON,
                         lambda: self._set_transport(not on), "primary")
            self._line(T.STAFF_TRANSPORT_PENDING.format(n=pending) if pending
                       else T.STAFF_TRANSPORT_CLEAR)
            if pending:
                self._button(T.STAFF_SEND_NOW, self._send_now)
            self._button(T.STAFF_SHUTDOWN, self._shutdown, "danger")

        self.services.transport_info(draw, self._failed)

    def _set_transport(self, on: bool) -> None:
        self.services.set_transport(on, lambda *_: self.show("transport"), self._failed)

    def _shutdown(self) -> None:
        self._notice(T.STAFF_SHUTDOWN_DONE)
        self.services.safe_shutdown()

    # ---- feedback
    def _notice(self, text: str) -> None:
        self.message = text

    def _redraw(self, tab: str, notice: str) -> None:
        """After a change: the tab drawn again, with what was done."""
        self.show(tab)
        self._notice(notice)

    def _failed(self, message_vi: str) -> None:
        self._clear()
        self.message = message_vi or T.STAFF_NOT_AVAILABLE


load_kv(__file__)
