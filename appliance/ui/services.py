"""Everything the screens need from the rest of the kiosk, off the UI thread.

Screens never touch the store, the devices or slow work directly: they call a method here with
callbacks; the method moves one application-layer call (``appliance.app``) onto a worker thread
(``workers.py``: one for the store, one for the devices) and its result back onto the UI thread.
Staff operations are in ``staff_services.py``, the camera and scanner in ``capture.py``. Each
method imports the application module it calls: those load on the worker threads as the store
and devices open, so the first frame never waits for SQLite's or the devices' libraries.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import json
import logging
import unicodedata
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, Protocol

from appliance.config import KioskConfig
from appliance.ui import strings as T
from appliance.ui.capture import CaptureServices
from appliance.ui.chip_services import ChipServices
from appliance.ui.staff_services import DEFAULT_PIN, DEVICE_NAMES, StaffServices
from appliance.ui.workers import Done, Failed, citizen_message, on_ui

if TYPE_CHECKING:  # the application layer loads on the worker threads (first frame first)
    from appliance.app.devices import Devices, Light
    from appliance.app.submission import Readiness, Submitted
    from appliance.app.tracking import Tracking
    from appliance.domain.catalogue import Catalogue, FormField, Procedure
    from appliance.domain.dossier import Draft
    from appliance.domain.idcard import QrRefusal
    from appliance.domain.identity import Identity
    from appliance.store import DossierRecord, Store

log = logging.getLogger(__name__)


class KioskAppLike(Protocol):
    """What Services needs of the Kivy app (GPIO events and safe shutdown)."""

    shutdown_requested: bool
    root: Any

    def go(self, name: str) -> None: ...

    def stop(self) -> None: ...


@dataclasses.dataclass
class Catalog:
    """The screens' view of the procedure catalogue: fields, search, lookup."""

    catalogue: Catalogue

    def fields(self) -> list[str]:
        return list(self.catalogue.by_field())

    def get(self, code: str | None) -> Procedure | None:
        return self.catalogue.get(code) if code else None

    def procedures(self, field: str | None = None, query: str = "") -> list[Procedure]:
        found = self.catalogue.by_field().get(field, []) if field else list(
            self.catalogue.procedures)
        words = fold(query).split()
        return [p for p in found if all(w in fold(p.name) for w in words)]


def fold(text: str) -> str:
    """Lower case without tone or letter marks, so "khai sinh" finds "Đăng ký khai sinh"."""
    text = unicodedata.normalize("NFD", text.lower()).replace("đ", "d")
    return "".join(c for c in text if not unicodedata.combining(c))


@dataclasses.dataclass(frozen=True)
class ComponentView:
    code: str
    name: str
    original: bool
    required: bool
    max_pages: int


@dataclasses.dataclass(frozen=True)
class ProcedureView:
    """Procedure details as the details screen shows them."""

    code: str
    name: str
    components: tuple[ComponentView, ...]
    time_limit: str
    fee: str


class Services(StaffServices, CaptureServices, ChipServices):
    def __init__(self, config: KioskConfig, *, store: Store | None,
                 catalogue: Catalogue | None, devices: Devices | None,
                 finalize_context: Readiness | None = None, demo: bool = False) -> None:
        super().__init__(config, store, devices)
        self._catalogue = Catalog(catalogue) if catalogue is not None else None
        self._ready: Readiness | None = finalize_context
        self.demo = demo
        self._init_capture()
        self._init_chip()
        self.app: KioskAppLike | None = None
        self._store_ready: Future[None] | None = None
        self._devices_ready: Future[None] | None = None

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_config(cls, config: KioskConfig, *, demo: bool = False) -> Services:
        """Services for this configuration. The store, catalogue and devices open on the worker
        threads, so the first frame does not wait for them (``bench/ui.py`` measures it)."""
        services = cls(config, store=None, catalogue=None, devices=None, demo=demo)
        services._store_ready = services.on_store(services._open_store, what="open_store")
        services._devices_ready = services.on_devices(services._open_devices, what="open_devices")
        return services

    def _open_store(self) -> None:
        from appliance.app import runtime
        from appliance.store import SubmissionRefused

        self.store = runtime.open_store(self.config)
        catalogue = runtime.current_catalogue(self.store)
        self._catalogue = Catalog(catalogue)
        try:
            self._ready = runtime.finalize_context(self.config, self.store, catalogue)
        except SubmissionRefused as exc:  # not configured: submissions are refused
            log.warning("finalize_unavailable: %s", exc.reason_en)
            self._ready = exc
        on_ui(self.report_devices)  # if the devices are open already

    def _open_devices(self) -> None:
        from appliance.app import devices

        opened = devices.open_devices(self.config)
        for name, exc in opened.errors.items():
            log.warning("device_unavailable %s: %s", name, exc.code)
        self.devices = opened
        if self.app is not None:
            on_ui(self._wire_gpio)
        on_ui(self.report_devices)  # or, if the store is still opening, once it is

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Block until the store and devices are open (start-up, tests, tools; never a screen)."""
        for future in (self._store_ready, self._devices_ready):
            if future is not None:
                future.result(timeout)

    def attach(self, app: KioskAppLike) -> None:
        """Wire GPIO events (help button, motion sensor, power fail) to the app."""
        self.app = app
        if self.devices is not None:
            self._wire_gpio()

    def _wire_gpio(self) -> None:
        app = self.app
        gpio = self.devices.gpio if self.devices is not None else None
        if gpio is not None and app is not None:
            gpio.on_help = lambda: on_ui(lambda: app.go("help"))
            gpio.on_motion = lambda: on_ui(self._wake)
            gpio.on_power_fail = lambda: on_ui(self.safe_shutdown)

    def update_light(self) -> None:
        """Set the cabinet's status light from the store (appliance.app.devices.status_light)."""
        from appliance.app import devices

        gpio = self.devices.gpio if self.devices is not None else None
        if gpio is None or self.store is None:
            return

        def show(light: Light) -> None:
            self.on_devices(lambda: gpio.show(light), what="status_light_show")

        self.on_store(lambda: devices.status_light(self.opened_store), show, what="status_light")

    def _wake(self) -> None:
        if self.app is not None and self.app.root.current == "attract":
            self.app.go("welcome")

    def close(self) -> None:
        with self._lock:
            self._closed = True  # work submitted from now on is dropped, not an exception
        self.stop_camera()
        self._close_chip()
        self._camera_pool.shutdown(wait=True)
        self._device_pool.shutdown(wait=True)
        self._store_pool.shutdown(wait=True)
        if self._qr is not None:
            self._qr.stop()
        if self.devices is not None:
            self.devices.close()
        if self.store is not None:
            self.store.close()

    def session_ended(self) -> None:
        self._thumbs.clear()
        self.stop_camera()
        self.on_store(release_memory, what="release_memory")
        self.report_devices()  # e.g. the printer ran out of paper on this citizen's slip

    # ------------------------------------------------------------------ catalogue and form
    @property
    def catalogue(self) -> Catalog | None:
        if self._catalogue is None and self._store_ready is not None:
            self._store_ready.result(30)  # only before the first touch can finish opening
        return self._catalogue

    def staff_catalogue(self) -> Catalogue | None:
        return self._catalogue.catalogue if self._catalogue else None

    def procedure_view(self, code: str) -> ProcedureView | None:
        p = self.catalogue.get(code) if self.catalogue else None
        if p is None:
            return None
        return ProcedureView(p.code, p.name, tuple(self.components(code)),
                             p.time_limit.text or "", p.fee.text)

    def components(self, code: str | None) -> list[ComponentView]:
        p = self.catalogue.get(code) if self.catalogue else None
        if p is None:
            return []
        originals = ("original", "present_original")
        return [ComponentView(c.code, c.name, c.paper in originals, c.required, c.max_pages)
                for c in p.components if c.digitise]

    def form_fields(self, code: str | None) -> list[FormField]:
        p = self.catalogue.get(code) if self.catalogue else None
        return list(p.form) if p is not None else []

    def prefill(self, field: FormField, identity: Identity | None) -> str:
        """The identity's value for a field the catalogue says it pre-fills, as text. An address
        in an older card's names (a district, the old province) comes out with today's commune
        and province (the catalogue's ``address_map``); the card's text stays in the identity."""
        source = field.prefill
        if not source or identity is None:
            return ""
        text = str(identity.prefill_text(source))  # a year-only birth date shows "1950"
        if source == "address" and self.catalogue is not None:
            return self.catalogue.catalogue.address_map.map(text).text
        return text

    @staticmethod
    def check_field(field: FormField, value: str) -> str | None:
        return field.validate(value)

    # ------------------------------------------------------------------ submission and slip
    def _readiness(self) -> Readiness:
        if self._ready is None:
            raise RuntimeError("the store has not opened")
        return self._ready

    def check_can_accept(self, ok: Callable[[], None], refused: Failed) -> None:
        from appliance.app import submission

        self.on_store(lambda: submission.check_can_accept(self.opened_store, self._readiness()),
                      lambda _r: ok(), refused, "check_can_accept")

    def finalize(self, draft: Draft, done: Done, failed: Failed) -> None:
        from appliance.app import submission

        def run() -> Submitted:
            catalogue = self._catalogue.catalogue if self._catalogue else None
            assert catalogue is not None
            return submission.submit(self.config, self.opened_store, catalogue,
                                     self._readiness(), draft)

        self.on_store(run, done, failed, "finalize")

    @staticmethod
    def due_text(submitted: Submitted) -> str:
        result = submitted.result
        if not result.clock_trusted:
            return T.SUCCESS_DUE_PENDING
        due = result.due_at
        if due is None:
            return T.SUCCESS_NO_DUE
        return f"{due:%H} giờ {due:%M} phút, ngày {due:%d/%m/%Y}"

    def print_slip(self, submitted: Submitted, done: Done, failed: Failed) -> None:
        """Print the slip (devices thread); the dossier is already saved."""
        from appliance.app import devices, slips, staff


        def run() -> None:
            slips.print_slip(devices.printer(self.opened_devices), submitted.slip)
            self.on_store(lambda: staff.record_event(self.opened_store, "slip_printed",
                                                     submitted.result.id))

        self.on_devices(run, done, failed, "print_slip")

    def parse_card(self, payload: str | bytes) -> Identity | QrRefusal:
        from appliance.domain.idcard import parse_card_qr

        return parse_card_qr(payload)

    @staticmethod
    def code_from_slip(text: str) -> str | None:
        from appliance.domain.codes import code_from_slip_qr

        return code_from_slip_qr(text)

    @staticmethod
    def normalise_code(text: str) -> str | None:
        from appliance.domain.codes import normalise_lookup_code

        return normalise_lookup_code(text)

    # ------------------------------------------------------------------ tracking and rating
    def find(self, code: str, done: Done) -> None:
        self.on_store(lambda: self.opened_store.find_by_code(code), done,
                      lambda _m: done(None), "find")

    def track(self, code: str, done: Done) -> None:
        """``done((status line, staleness warning))``, or ``done(None)`` for an unknown code."""
        from appliance.app import tracking


        def run() -> tuple[str, str] | None:
            found = tracking.track(self.opened_store, code)
            return status_words(found) if found is not None else None

        self.on_store(run, done, lambda _m: done(None), "track")

    def describe_status(self, record: DossierRecord) -> tuple[str, str]:
        """(status line, staleness warning or "") for a dossier found by its code (reads the
        store: call it on the store thread)."""
        from appliance.app import tracking

        return status_words(tracking.tracking_of(self.opened_store, record))

    def add_rating(self, code: str, level: int, reason: str, done: Done, failed: Failed) -> None:
        from appliance.app import ratings

        self.on_store(lambda: ratings.add_rating(self.opened_store, code, level, reason), done,
                      failed, "rating")

    # ------------------------------------------------------------------ help
    def call_help(self) -> bool:
        from appliance.app import staff

        gpio = self.devices.gpio if self.devices is not None else None
        if gpio is None:
            return False
        try:
            gpio.call_staff()
        except Exception:
            log.exception("help output failed")
            return False
        self.on_store(lambda: staff.record_event(self.opened_store, "help_called"))
        return True

    def cancel_help(self) -> None:
        gpio = self.devices.gpio if self.devices is not None else None
        if gpio is not None:
            gpio.staff_answered()

    def safe_shutdown(self) -> None:
        """Stop taking dossiers, let the store finish, stop the app (systemd powers off)."""
        from appliance.app import staff

        log.info("safe_shutdown requested")
        app = self.app
        if app is None:
            return
        app.shutdown_requested = True
        self.on_store(lambda: staff.record_event(self.opened_store, "safe_shutdown"),
                      lambda _r: app.stop(), lambda _m: app.stop())

    # ------------------------------------------------------------------ demo
    def open_demo_tray(self) -> None:
        if self.demo and self.app is not None:
            from appliance.ui.demo_tray import DemoTray

            DemoTray(self).open()


def status_words(found: Tracking) -> tuple[str, str]:
    """Tracking facts in the citizen's words: (status line, staleness warning or "")."""
    if found.kind == "portal":
        line = f"{T.TRACK_STATUS}: {T.PORTAL_STATUS.get(found.portal_status or 0, '?')}"
    else:
        line = {"sent": T.TRACK_SENT, "checking": T.TRACK_CHECKING}.get(found.kind,
                                                                         T.TRACK_WAITING)
    if found.due_at:
        line += f"\n{T.SUCCESS_DUE}: {found.due_at:%d/%m/%Y}"
    if found.as_of is not None:
        line += "\n" + T.TRACK_AS_OF.format(when=f"{found.as_of:%H:%M %d/%m/%Y}")
    if not found.stale:
        return line, ""
    shown = f"{found.heard_at:%H:%M %d/%m/%Y}" if found.heard_at else T.STAFF_NEVER
    return line, T.TRACK_OLD.format(when=shown)


def release_memory() -> None:
    """Give the freed page buffers of a finished session back to the OS.

    A session moves tens of megabytes of page images through worker threads; glibc keeps freed
    blocks in per-thread arenas, so without a trim a kiosk that runs for months would sit on
    its high-water mark. (No gc.collect() here: collecting Kivy widgets off the UI thread
    breaks their bindings; ``KioskApp.end_session`` collects on the UI thread just before.)"""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def unconfigured_reason(config: KioskConfig) -> str | None:
    """The reason provisioning left in ``unconfigured.json``, if the kiosk is not configured."""
    from appliance.provisioning import UNCONFIGURED_FILE

    path = config.data_dir / UNCONFIGURED_FILE
    if not path.exists():
        return None
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return T.UNCONFIGURED_BODY
    return str(info.get("reason_vi") or T.UNCONFIGURED_BODY)


__all__ = ["DEFAULT_PIN", "DEVICE_NAMES", "Services", "citizen_message", "fold",
           "unconfigured_reason"]
