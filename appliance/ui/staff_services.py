"""Staff operations for the staff screens, moved onto the worker threads (appliance.app.staff)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from appliance.ui import strings as T
from appliance.ui.workers import Done, Failed, Workers, on_ui

if TYPE_CHECKING:  # the application layer loads on the worker threads (first frame first)
    from appliance.app.devices import DeviceStatus
    from appliance.domain.catalogue import Catalogue
    from appliance.ui.timers import PinGate

log = logging.getLogger("appliance.ui.services")

DEFAULT_PIN = "1234"
"""Desktop default when ``staff.pin_hash`` is empty and the configuration is not a device's."""

DEVICE_NAMES = {"camera": T.STAFF_CAMERA, "scanner": T.STAFF_SCANNER,
                "printer": T.STAFF_PRINTER, "gpio": "GPIO", "network": T.STAFF_WIFI,
                "card_reader": T.STAFF_CARD_READER}
"""Staff's names of ``appliance.app.devices.STATUS_DEVICES``."""


def when_text(value: dt.datetime | None) -> str:
    return f"{value:%H:%M %d/%m/%Y}" if value else ""


def age_text(seconds: float) -> str:
    if seconds < 3600:
        return f"{int(seconds // 60)} phút"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} giờ"
    return f"{seconds / 86400:.1f} ngày"


class StaffServices(Workers):
    """The staff screens' calls."""

    def staff_catalogue(self) -> Catalogue | None:
        raise NotImplementedError

    def pin_gate(self) -> PinGate:
        from appliance.app import staff
        from appliance.config import is_simulated
        from appliance.pin import verify_pin
        from appliance.ui.timers import PinGate

        stored = self.config.staff.pin_hash
        desktop = is_simulated(self.config)

        def verify(pin: str) -> bool:
            if stored:
                return verify_pin(pin, stored)
            return desktop and pin == DEFAULT_PIN  # an empty hash means "1234" only on a desktop

        return PinGate(verify, self.config.staff.max_attempts, self.config.staff.lockout_s,
                       memory=staff.PinMemory(lambda: self.store))

    def staff_queue(self, done: Done, failed: Failed) -> None:
        from appliance.app import staff

        def run() -> dict[str, object]:
            q = staff.queue(self.opened_store)
            return {"counts": q.counts, "last_success": when_text(q.last_success),
                    "oldest": age_text(q.oldest_pending_s) if q.oldest_pending_s else "",
                    "alerts": [a.reason_vi for a in q.alerts], "quarantined": q.quarantined}

        self.on_store(run, done, failed, "staff_queue")

    def request_sync(self, done: Done, failed: Failed) -> None:
        from appliance.app import staff

        self.on_store(lambda: staff.send_now(self.opened_store), done, failed, "request_sync")

    def restore(self, dossier_id: str, done: Done, failed: Failed) -> None:
        from appliance.app import staff

        self.on_store(lambda: staff.restore(self.opened_store, dossier_id), done, failed,
                      "restore")

    def report_devices(self) -> None:
        """Leave the devices' status in the store for ``kiosk status`` and the sync daemon's
        heartbeat (the UI owns the devices; ``kiosk doctor`` reports only when it runs).
        Called after start-up, after each session and when staff look at the devices."""
        from appliance.app import devices

        if self.devices is None or self.store is None:
            return
        self.on_devices(lambda: devices.statuses(self.opened_devices), self._store_device_report,
                        what="device_report")

    def _store_device_report(self, found: dict[str, DeviceStatus]) -> None:
        from appliance.app import devices

        self.on_store(lambda: devices.report(self.opened_store, found),
                      what="device_report_store")

    def device_statuses(self, done: Done, failed: Failed) -> None:
        from appliance.app import devices

        def run() -> list[tuple[str, str, str]]:
            found = devices.statuses(self.opened_devices)
            on_ui(self._store_device_report, found)
            out = [(DEVICE_NAMES[k], str(s.state), s.reason_vi) for k, s in found.items()]
            health = self.opened_store.health()
            out.append((T.STAFF_STORE, "ok" if health.ok else "failed", health.reason_vi))
            return out

        self.on_devices(run, done, failed, "device_statuses")

    def print_test_page(self, done: Done, failed: Failed) -> None:
        from appliance.app import devices

        def run() -> None:
            from appliance.clock import VN_TZ

            devices.print_test_page(self.opened_devices, self.config.kiosk.id,
                                    dt.datetime.now(VN_TZ))

        self.on_devices(run, done, failed, "test_page")

    def print_report(self, done: Done, failed: Failed) -> None:
        """End-of-day report on the receipt printer: counts, last send, alerts."""
        from appliance.app import devices, staff


        def gather() -> list[str]:
            report = staff.day_report(self.opened_store)
            lines = ["BÁO CÁO CUỐI NGÀY", f"{self.config.kiosk.unit_name}",
                     f"Máy {self.config.kiosk.id} — {report.at:%H:%M %d/%m/%Y}", ""]
            lines += [f"{T.STAFF_STATE_NAMES.get(k, k)}: {v}"
                      for k, v in sorted(report.counts.items())]
            lines.append(T.STAFF_LAST_SUCCESS.format(
                when=when_text(report.last_success) or T.STAFF_NEVER))
            lines += [a.reason_vi for a in report.alerts]
            return lines

        def print_lines(lines: list[str]) -> None:
            self.on_devices(lambda: devices.print_text(self.opened_devices, lines), done, failed,
                            "report")

        self.on_store(gather, print_lines, failed, "report")

    def sites(self, done: Done, failed: Failed) -> None:
        from appliance.app import staff

        self.on_store(lambda: staff.sites(self.config, self.opened_store, self.staff_catalogue()),
                      done, failed, "sites")

    def set_site(self, site: str, done: Done, failed: Failed) -> None:
        from appliance.app import staff

        self.on_store(lambda: staff.set_site(self.opened_store, site), done, failed, "set_site")

    def clock_info(self, done: Done, failed: Failed) -> None:
        from appliance.app import staff

        def run() -> tuple[object, str]:
            status, now = staff.clock_info(self.opened_store)
            return status, f"{now:%H:%M, %d/%m/%Y}"

        self.on_store(run, done, failed, "clock_info")

    def confirm_clock(self, done: Done, failed: Failed) -> None:
        from appliance.app import staff

        self.on_store(lambda: staff.confirm_clock(self.opened_store), done, failed,
                      "confirm_clock")

    def wifi(self, done: Done, failed: Failed) -> None:
        from appliance.app import staff

        self.on_devices(lambda: staff.wifi(self.opened_devices), done, failed, "wifi")

    def wifi_connect(self, ssid: str, password: str, done: Done, failed: Failed) -> None:
        from appliance.app import staff

        self.on_devices(lambda: staff.wifi_connect(self.opened_devices, ssid, password), done,
                        failed, "wifi_connect")

    def transport_info(self, done: Done, failed: Failed) -> None:
        from appliance.app import staff

        self.on_store(lambda: staff.transport_info(self.opened_store), done, failed,
                      "transport_info")

    def set_transport(self, on: bool, done: Done, failed: Failed) -> None:
        from appliance.app import staff

        self.on_store(lambda: staff.set_transport(self.opened_store, on), done, failed,
                      "set_transport")
