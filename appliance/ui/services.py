"""Everything the screens need from the rest of the kiosk, off the UI thread.

Screens never touch the store, the devices or slow domain work directly: they call a method here
with callbacks, the work runs on a worker thread (one for the store, one for the devices), and the
callback runs on the UI thread through ``Clock.schedule_once`` (DESIGN §9). Citizens get the
Vietnamese message of a refusal; logs get the stable English code, never personal data.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import datetime as dt
import json
import logging
import threading
import unicodedata
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from appliance.config import KioskConfig
from appliance.domain.dossier import PENDING_STATES, Draft, Page, pending_total
from appliance.ui import strings as T
from kioskbase.errors import BilingualError

if TYPE_CHECKING:
    from hw.qrscanner import QrScanner

log = logging.getLogger(__name__)

Done = Callable[..., object]
"""A callback on the UI thread; what it returns is ignored."""
Failed = Callable[[str], object]

DEFAULT_PIN = "1234"
"""Desktop default when ``staff.pin_hash`` is empty and the configuration is not a device's."""


DEVICE_NAMES = {"camera": T.STAFF_CAMERA, "scanner": T.STAFF_SCANNER,
                "printer": T.STAFF_PRINTER, "gpio": "GPIO", "network": T.STAFF_WIFI}
"""The devices staff see (and the heartbeat reports), with their names on the staff screen."""


def _on_ui(fn: Callable[..., object] | None, *args: Any) -> None:
    if fn is None:
        return
    from kivy.clock import Clock

    Clock.schedule_once(lambda _dt: fn(*args), 0)


def citizen_message(exc: BaseException) -> str:
    """The Vietnamese text of a refusal or device failure; a generic one for anything else."""
    if isinstance(exc, BilingualError) and exc.reason_vi:
        return exc.reason_vi
    return T.GENERIC_ERROR


@dataclasses.dataclass
class Catalog:
    """The screens' view of the procedure catalogue: fields, search, lookup."""

    catalogue: Any

    def fields(self) -> list[str]:
        return list(self.catalogue.by_field())

    def get(self, code: str | None) -> Any:
        return self.catalogue.get(code) if code else None

    def procedures(self, field: str | None = None, query: str = "") -> list[Any]:
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


@dataclasses.dataclass(frozen=True)
class Submitted:
    """A finalized dossier as the success screen needs it: the store's result and the slip."""

    result: Any
    slip: Any

    @property
    def code(self) -> str:
        return str(self.result.code)


class Services:
    def __init__(self, config: KioskConfig, *, store: Any, catalogue: Any, devices: Any,
                 finalize_context: Any = None, demo: bool = False) -> None:
        self.config = config
        self.store = store
        self._catalogue = Catalog(catalogue) if catalogue is not None else None
        self.devices = devices
        self._finalize_context = finalize_context
        self.demo = demo
        self._store_pool = ThreadPoolExecutor(1, thread_name_prefix="ui-store")
        self._device_pool = ThreadPoolExecutor(1, thread_name_prefix="ui-devices")
        self._camera_pool = ThreadPoolExecutor(1, thread_name_prefix="ui-camera")
        self._pending: set[Future[Any]] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._qr: QrScanner | None = None
        self._qr_consumer: Callable[..., None] | None = None
        self._preview_consumer: Callable[..., None] | None = None
        self._camera_error: Failed | None = None
        self._preview_stop = threading.Event()
        self._preview_thread: threading.Thread | None = None
        self._thumbs: dict[int, Any] = {}
        self.app: Any = None
        self._store_ready: Future[Any] | None = None
        self._devices_ready: Future[Any] | None = None

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
        from appliance import runtime

        self.store = runtime.open_store(self.config)
        catalogue = runtime.current_catalogue(self.store)
        self._catalogue = Catalog(catalogue)
        try:
            self._finalize_context = runtime.finalize_context(self.config, self.store, catalogue)
        except Exception as exc:  # not configured: submissions are refused with the reason
            log.warning("finalize_unavailable: %s", getattr(exc, "detail", exc))
            self._finalize_context = exc
        _on_ui(self.report_devices)  # if the devices are open already

    def _open_devices(self) -> None:
        from hw.factory import open_devices

        hw = dataclasses.asdict(self.config.hardware) | {"sim_dir": str(self.config.sim_dir)}
        devices = open_devices(**hw)
        for name, exc in devices.errors.items():
            log.warning("device_unavailable %s: %s", name, exc.code)
        self.devices = devices
        if self.app is not None:
            _on_ui(self._wire_gpio)
        _on_ui(self.report_devices)  # or, if the store is still opening, once it is

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Block until the store and devices are open (start-up, tests, tools; never a screen)."""
        for future in (self._store_ready, self._devices_ready):
            if future is not None:
                future.result(timeout)

    def attach(self, app: Any) -> None:
        """Wire GPIO events (help button, motion sensor, power fail) to the app."""
        self.app = app
        if self.devices is not None:
            self._wire_gpio()

    def _wire_gpio(self) -> None:
        app = self.app
        gpio = getattr(self.devices, "gpio", None)
        if gpio is not None and app is not None:
            gpio.on_help = lambda: _on_ui(lambda: app.go("help"))
            gpio.on_motion = lambda: _on_ui(self._wake)
            gpio.on_power_fail = lambda: _on_ui(self.safe_shutdown)

    def update_light(self) -> None:
        """Set the cabinet's status light from the store: fault (red) when the store refuses
        dossiers or an alert is open, waiting (amber) while dossiers wait to be sent, else ready."""

        def decide() -> Any:
            from hw.gpio import Light

            if not self.store.health().ok or self.store.alerts():
                return Light.FAULT
            counts = self.store.counts_by_state()
            if pending_total(counts):
                return Light.WAITING
            return Light.READY

        gpio = getattr(self.devices, "gpio", None)
        if gpio is not None and self.store is not None:
            self.on_store(decide, lambda light: self.on_devices(lambda: gpio.show(light)),
                          what="status_light")

    def _wake(self) -> None:
        if self.app is not None and self.app.root.current == "attract":
            self.app.go("welcome")

    def close(self) -> None:
        with self._lock:
            self._closed = True  # work submitted from now on is dropped, not an exception
        self.stop_camera()
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

    # ------------------------------------------------------------------ background work
    def _submit(self, pool: ThreadPoolExecutor, fn: Callable[[], Any], done: Done | None,
                failed: Failed | None, what: str) -> Future[Any]:
        def run() -> Any:
            try:
                result = fn()
            except Exception as exc:
                expected = isinstance(exc, BilingualError)
                log.warning("%s_failed code=%s", what,
                            exc.code if isinstance(exc, BilingualError) else type(exc).__name__)
                if not expected:
                    log.exception("%s failed unexpectedly", what)
                _on_ui(failed, citizen_message(exc))
                return None
            _on_ui(done, result)
            return result

        with self._lock:
            if self._closed:  # a callback queued before close (e.g. a device report): drop it
                log.debug("%s skipped: services closed", what)
                skipped: Future[Any] = Future()
                skipped.set_result(None)
                return skipped
            future = pool.submit(run)
            self._pending.add(future)
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: Future[Any]) -> None:
        with self._lock:
            self._pending.discard(future)

    @property
    def busy(self) -> bool:
        """Whether any background work is still running (tests wait for it)."""
        with self._lock:
            return bool(self._pending)

    def on_store(self, fn: Callable[[], Any], done: Done | None = None,
                 failed: Failed | None = None, what: str = "store") -> Future[Any]:
        return self._submit(self._store_pool, fn, done, failed, what)

    def on_devices(self, fn: Callable[[], Any], done: Done | None = None,
                   failed: Failed | None = None, what: str = "device") -> Future[Any]:
        return self._submit(self._device_pool, fn, done, failed, what)

    # ------------------------------------------------------------------ catalogue and form
    @property
    def catalogue(self) -> Catalog | None:
        if self._catalogue is None and self._store_ready is not None:
            self._store_ready.result(30)  # only before the first touch can finish opening
        return self._catalogue

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
        return [ComponentView(c.code, c.name, c.paper == "original", c.required, c.max_pages)
                for c in p.components if c.digitise]

    def form_fields(self, code: str | None) -> list[Any]:
        p = self.catalogue.get(code) if self.catalogue else None
        return list(p.form) if p is not None else []

    @staticmethod
    def prefill(field: Any, identity: Any) -> str:
        """The identity's value for a field the catalogue says it pre-fills, as text."""
        source = getattr(field, "prefill", None)
        if not source or identity is None:
            return ""
        return str(identity.prefill_text(source))  # a year-only birth date shows "1950"

    @staticmethod
    def check_field(field: Any, value: str) -> str | None:
        return field.validate(value)

    # ------------------------------------------------------------------ submission
    def check_can_accept(self, ok: Callable[[], None], refused: Failed) -> None:
        def check() -> None:
            if isinstance(self._finalize_context, Exception):
                raise self._finalize_context
            self.store.check_can_accept()

        self.on_store(check, lambda _r: ok(), refused, "check_can_accept")

    def finalize(self, draft: Draft, done: Done, failed: Failed) -> None:
        from appliance.submission import finalize

        def run() -> Submitted:
            if isinstance(self._finalize_context, Exception):
                raise self._finalize_context
            pages = {code: len(ps) for code, ps in draft.pages.items()}
            result = finalize(self.store, _one_pdf_per_component(draft), self._finalize_context)
            return Submitted(result, self._slip_data(result, draft, pages))

        self.on_store(run, done, failed, "finalize")

    def _slip_data(self, result: Any, draft: Draft, pages: dict[str, int]) -> Any:
        """The slip's content (Mẫu 01): kept in the session's memory only, for (re)printing."""
        from appliance.domain.calendar import WorkingCalendar, due_date
        from appliance.domain.slip import SlipComponent, SlipData

        assert self._catalogue is not None  # finalize runs once the catalogue is loaded
        catalogue = self._catalogue.catalogue
        proc = catalogue.get(draft.procedure_code)
        calendar = WorkingCalendar.from_config(self.config.calendar, catalogue.calendar_overrides)
        received = result.received_at.replace(tzinfo=None)
        comps = tuple(SlipComponent(c.name, c.paper_vi, c.quantity, pages.get(c.code) or None)
                      for c in proc.components if pages.get(c.code) or c.required)
        return SlipData(
            dossier_code=result.code, procedure_code=proc.code, procedure_name=proc.name,
            time_limit_text=proc.time_limit.text, components=comps, received=received,
            due=due_date(proc, received, calendar), receiving_unit=self.config.kiosk.unit_name,
            parent_body=self.config.kiosk.parent_body, place=self.config.kiosk.place,
            lookup_url=self.config.gateway.lookup_url, kiosk_id=self.config.kiosk.id,
            site=self.store.get_setting("site", self.config.kiosk.site),
            citizen_name=draft.identity.full_name, citizen_address=draft.identity.address or None,
            citizen_phone=draft.phone or None, clock_trusted=result.clock_trusted,
        )

    def due_text(self, submitted: Any) -> str:
        result = submitted.result
        if not result.clock_trusted:
            return T.SUCCESS_DUE_PENDING
        due = result.due_at
        if due is None:
            return T.SUCCESS_NO_DUE
        return f"{due:%H} giờ {due:%M} phút, ngày {due:%d/%m/%Y}"

    def print_slip(self, result: Any, done: Done, failed: Failed) -> None:
        """Render the slip and print it (devices thread); the dossier is already saved."""

        def run() -> None:
            printer = self._printer()
            image = self._render_slip(result, printer.width_dots)
            printer.print_image(image)
            printer.cut()
            self.on_store(lambda: self.store.record_event("slip_printed", result.result.id))

        self.on_devices(run, done, failed, "print_slip")

    @staticmethod
    def _render_slip(submitted: Any, width_dots: int) -> Any:
        from appliance.domain.slip import render_slip

        return render_slip(submitted.slip, width_dots)

    def _printer(self) -> Any:
        printer = getattr(self.devices, "printer", None)
        if printer is None:
            raise self.devices.errors.get("printer") or RuntimeError("no printer")
        return printer

    # ------------------------------------------------------------------ camera and QR
    def start_camera(self, on_payload: Callable[..., None], on_preview: Callable[..., None] | None,
                     on_error: Failed) -> None:
        """Deliver decoded QR payloads (and preview frames) to the screen until stop_camera."""
        if self.devices is None and self._devices_ready is not None:
            self._devices_ready.result(30)  # only right after start-up
        camera = getattr(self.devices, "camera", None)
        if camera is None:
            on_error(T.ID_CAMERA_FAIL)
            return
        self._qr_consumer, self._preview_consumer = on_payload, on_preview
        self._camera_error = on_error
        self._camera_pool.submit(self._start_scanning)
        if on_preview is not None and self._preview_thread is None:
            self._preview_stop.clear()
            self._preview_thread = threading.Thread(target=self._preview_loop,
                                                    name="ui-preview", daemon=True)
            self._preview_thread.start()

    def _start_scanning(self) -> None:
        from hw.qrscanner import QrScanner

        if self._qr is None:
            self._qr = QrScanner(self.devices.camera, self._payload,
                                 decoder=self.devices.qr_decoder, on_error=self._camera_failed)
        # A new screen wants the card that is in view now, even if it was read a moment ago
        # (a citizen who cancelled and starts again).
        self._qr.reset()
        self._qr.start()

    def stop_camera(self) -> None:
        self._qr_consumer = self._preview_consumer = self._camera_error = None
        self._preview_stop.set()
        self._preview_thread = None
        if self._qr is not None:
            self._camera_pool.submit(self._qr.stop)

    def _payload(self, text: str, raw: bytes) -> None:
        consumer = self._qr_consumer
        if consumer is not None:
            _on_ui(lambda: self._qr_consumer is consumer and consumer(text, None))

    def _camera_failed(self, exc: Any) -> None:
        log.warning("camera_error code=%s", getattr(exc, "code", "?"))
        _on_ui(self._camera_error, T.ID_CAMERA_FAIL)

    def _preview_loop(self) -> None:
        camera = self.devices.camera
        stop = self._preview_stop
        while not stop.wait(0.2):
            consumer = self._preview_consumer
            if consumer is None:
                break
            try:
                frame = camera.preview()
            except Exception:  # the QR loop reports camera failures
                continue
            _on_ui(self._show_preview, consumer, frame)

    def _show_preview(self, consumer: Callable[..., None], frame: Any) -> None:
        if self._preview_consumer is consumer:  # the screen that asked is still showing
            consumer(frame)

    def parse_card(self, payload: str | bytes) -> Any:
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

    # ------------------------------------------------------------------ scanner
    def scan(self, component: Any, on_page: Callable[[Page], None], done: Done,
             failed: Failed) -> None:
        """Scan until the feeder is empty; each page is processed (compact JPEG) on the devices
        thread and handed to ``on_page`` on the UI thread as it arrives."""
        from hw.pages import process_page

        scanner = getattr(self.devices, "scanner", None)

        def page_done(scanned: Any) -> None:
            data = process_page(scanned.image, scanned.dpi)
            page = Page(data, "image/jpeg")
            thumb = scanned.image.convert("L")
            thumb.thumbnail((240, 340))
            self._thumbs[id(page)] = thumb
            _on_ui(on_page, page)

        def run() -> int:
            if scanner is None:
                raise self.devices.errors.get("scanner") or RuntimeError("no scanner")
            return len(scanner.scan(on_page=page_done))

        self.on_devices(run, done, failed, "scan")

    def thumbnail(self, page: Page) -> Any:
        return self._thumbs.get(id(page))

    # ------------------------------------------------------------------ tracking and rating
    def find(self, code: str, done: Done) -> None:
        self.on_store(lambda: self.store.find_by_code(code), done, lambda _m: done(None), "find")

    def track(self, code: str, done: Done) -> None:
        """``done((status line, staleness warning))``, or ``done(None)`` for an unknown code."""

        def run() -> tuple[str, str] | None:
            record = self.store.find_by_code(code)
            return self.describe_status(record) if record is not None else None

        self.on_store(run, done, lambda _m: done(None), "track")

    def describe_status(self, record: Any) -> tuple[str, str]:
        """(status line, staleness warning or "") for a dossier found by its code (reads the
        store: call it on the store thread)."""
        state = str(record.state)
        when = record.portal_status_at
        if record.portal_status:
            line = f"{T.TRACK_STATUS}: {T.PORTAL_STATUS.get(record.portal_status, '?')}"
        elif state in ("sent", "purged"):
            line = T.TRACK_SENT
            when = record.received_at
        elif state == "quarantined":
            line = T.TRACK_CHECKING
        else:
            line = T.TRACK_WAITING
        if record.due_at:
            line += f"\n{T.SUCCESS_DUE}: {record.due_at:%d/%m/%Y}"
        last_sync = _parse_time((self.store.sync_state() or {}).get("last_success"))
        if when is not None:
            line += "\n" + T.TRACK_AS_OF.format(when=f"{when:%H:%M %d/%m/%Y}")
        stale = ""
        reference = last_sync or when
        now = self.store.clock.wall()
        if state not in PENDING_STATES and (
                reference is None or (now - reference).total_seconds() > 6 * 3600):
            shown = f"{reference:%H:%M %d/%m/%Y}" if reference else T.STAFF_NEVER
            stale = T.TRACK_OLD.format(when=shown)
        return line, stale

    def add_rating(self, code: str, level: int, reason: str, done: Done, failed: Failed) -> None:
        """Validate (RatingError carries the citizen's message) and keep it for the sync daemon."""
        from appliance.domain.rating import validate_rating

        def run() -> None:
            rating = validate_rating(code=code, level=level, reason=reason or None,
                                     rated_at=self.store.clock.wall())
            self.store.add_rating(str(uuid.uuid4()), rating.dossier_code, rating.to_payload())
            self.store.request_sync()

        self.on_store(run, done, failed, "rating")

    # ------------------------------------------------------------------ help
    def call_help(self) -> bool:
        gpio = getattr(self.devices, "gpio", None)
        if gpio is None:
            return False
        try:
            gpio.call_staff()
        except Exception:
            log.exception("help output failed")
            return False
        self.on_store(lambda: self.store.record_event("help_called"))
        return True

    def cancel_help(self) -> None:
        gpio = getattr(self.devices, "gpio", None)
        if gpio is not None:
            gpio.staff_answered()

    # ------------------------------------------------------------------ staff
    def pin_gate(self) -> Any:
        from appliance.pin import verify_pin
        from appliance.ui.timers import PinGate

        stored = self.config.staff.pin_hash

        def verify(pin: str) -> bool:
            if stored:
                return verify_pin(pin, stored)
            return self._desktop_default() and pin == DEFAULT_PIN

        return PinGate(verify, self.config.staff.max_attempts, self.config.staff.lockout_s,
                       memory=_StoredPinMemory(self))

    def _desktop_default(self) -> bool:
        """An empty PIN hash means "1234" only on a desktop with simulated hardware."""
        from appliance.config import is_simulated

        return is_simulated(self.config)

    def staff_queue(self, done: Done, failed: Failed) -> None:
        def run() -> dict[str, Any]:
            state = self.store.sync_state() or {}
            oldest = self.store.oldest_pending_age_s()
            return {
                "counts": self.store.counts_by_state(),
                "last_success": _when(state.get("last_success")),
                "oldest": _age(oldest) if oldest else "",
                "alerts": [a.reason_vi for a in self.store.alerts()],
                "quarantined": self.store.quarantined(),
            }

        self.on_store(run, done, failed, "staff_queue")

    def request_sync(self, done: Done, failed: Failed) -> None:
        self.on_store(self.store.request_sync, done, failed, "request_sync")

    def restore(self, dossier_id: str, done: Done, failed: Failed) -> None:
        self.on_store(lambda: self.store.restore(dossier_id), done, failed, "restore")

    def _check_devices(self) -> dict[str, dict[str, str]]:
        """Each device's status now (on the devices thread), as ``Store.report_devices`` takes
        it plus ``reason_vi`` for staff."""
        out: dict[str, dict[str, str]] = {}
        for key in DEVICE_NAMES:
            device = getattr(self.devices, key, None)
            if device is None:
                exc = self.devices.errors.get(key)
                out[key] = {"state": "failed", "code": getattr(exc, "code", "not_opened"),
                            "reason_en": getattr(exc, "reason_en", "not opened"),
                            "reason_vi": exc.reason_vi if exc else T.STAFF_NOT_AVAILABLE}
                continue
            try:
                status = device.status()
                status = getattr(status, "device", status)
            except Exception as exc:
                out[key] = {"state": "unknown", "code": getattr(exc, "code", type(exc).__name__),
                            "reason_en": str(exc), "reason_vi": citizen_message(exc)}
                continue
            out[key] = {"state": str(status.state), "code": status.code,
                        "reason_en": status.reason_en, "reason_vi": status.reason_vi}
        return out

    def report_devices(self) -> None:
        """Leave the devices' status in the store for ``kiosk status`` and the sync daemon's
        heartbeat (the UI owns the devices; ``kiosk doctor`` reports only when it runs).
        Called after start-up, after each session and when staff look at the devices."""
        if self.devices is None or self.store is None:
            return
        self.on_devices(self._check_devices, self._store_device_report, what="device_report")

    def _store_device_report(self, statuses: dict[str, dict[str, str]]) -> None:
        report = {k: {f: v[f] for f in ("state", "code", "reason_en")} for k, v in statuses.items()}
        self.on_store(lambda: self.store.report_devices(report), what="device_report_store")

    def device_statuses(self, done: Done, failed: Failed) -> None:
        def run() -> list[tuple[str, str, str]]:
            statuses = self._check_devices()
            _on_ui(self._store_device_report, statuses)
            out = [(DEVICE_NAMES[k], v["state"], v["reason_vi"]) for k, v in statuses.items()]
            health = self.store.health()
            out.append((T.STAFF_STORE, "ok" if health.ok else "failed", health.reason_vi))
            return out

        self.on_devices(run, done, failed, "device_statuses")

    def print_test_page(self, done: Done, failed: Failed) -> None:
        def run() -> None:
            from PIL import Image, ImageDraw

            printer = self._printer()
            image = Image.new("1", (printer.width_dots, 160), 1)
            draw = ImageDraw.Draw(image)
            draw.rectangle((2, 2, printer.width_dots - 3, 157), outline=0, width=3)
            for x in range(10, printer.width_dots - 10, 24):
                draw.line((x, 20, x + 12, 140), fill=0, width=2)
            printer.print_image(image)
            printer.cut()

        self.on_devices(run, done, failed, "test_page")

    def print_report(self, done: Done, failed: Failed) -> None:
        """End-of-day report on the receipt printer: counts, last send, alerts."""

        def gather() -> list[str]:
            counts = self.store.counts_by_state()
            state = self.store.sync_state() or {}
            now = self.store.clock.wall()
            lines = ["BÁO CÁO CUỐI NGÀY", f"{self.config.kiosk.unit_name}",
                     f"Máy {self.config.kiosk.id} — {now:%H:%M %d/%m/%Y}", ""]
            lines += [f"{T.STAFF_STATE_NAMES.get(k, k)}: {v}" for k, v in sorted(counts.items())]
            lines.append(T.STAFF_LAST_SUCCESS.format(
                when=_when(state.get("last_success")) or T.STAFF_NEVER))
            lines += [a.reason_vi for a in self.store.alerts()]
            return lines

        def print_lines(lines: list[str]) -> None:
            self.on_devices(lambda: self._print_text(lines), done, failed, "report")

        self.on_store(gather, print_lines, failed, "report")

    def _print_text(self, lines: list[str]) -> None:
        from PIL import Image, ImageDraw, ImageFont

        from kioskbase.fonts import find_font

        printer = self._printer()
        font = ImageFont.truetype(find_font("Roboto-Regular.ttf"), 26)
        height = 40 * len(lines) + 40
        image = Image.new("1", (printer.width_dots, height), 1)
        draw = ImageDraw.Draw(image)
        for i, line in enumerate(lines):
            draw.text((10, 20 + 40 * i), line, font=font, fill=0)
        printer.print_image(image)
        printer.cut()

    def sites(self, done: Done, failed: Failed) -> None:
        def run() -> tuple[str, list[str]]:
            current = self.store.get_setting("site", self.config.kiosk.site)
            raw = self._catalogue.catalogue.sites if self._catalogue else ()
            from_gateway = [s.get("name", "") if isinstance(s, dict) else str(s) for s in raw]
            names = [self.config.kiosk.site, *self.config.kiosk.sites, *from_gateway]
            if current not in names:
                names.insert(0, current)
            return current, list(dict.fromkeys(n for n in names if n))

        self.on_store(run, done, failed, "sites")

    def set_site(self, site: str, done: Done, failed: Failed) -> None:
        self.on_store(lambda: self.store.set_setting("site", site), done, failed, "set_site")

    def clock_info(self, done: Done, failed: Failed) -> None:
        def run() -> tuple[Any, str]:
            now = self.store.clock.wall()
            return self.store.clock.status(self.store), f"{now:%H:%M, %d/%m/%Y}"

        self.on_store(run, done, failed, "clock_info")

    def confirm_clock(self, done: Done, failed: Failed) -> None:
        def run() -> None:
            self.store.clock.confirm(self.store)
            self.store.record_event("clock_confirmed_by_staff")

        self.on_store(run, done, failed, "confirm_clock")

    def wifi(self, done: Done, failed: Failed) -> None:
        def run() -> tuple[str, list[str]]:
            network = self.devices.network
            if network is None:
                raise self.devices.errors.get("network") or RuntimeError("no network")
            status = network.state().device_status
            return status.reason_vi, [n.ssid for n in network.scan()]

        self.on_devices(run, done, failed, "wifi")

    def wifi_connect(self, ssid: str, password: str, done: Done, failed: Failed) -> None:
        self.on_devices(lambda: self.devices.network.connect(ssid, password or None), done,
                        failed, "wifi_connect")

    def transport_info(self, done: Done, failed: Failed) -> None:
        def run() -> tuple[bool, int]:
            on = bool(self.store.get_setting("transport_mode", False))
            counts = self.store.counts_by_state()
            return on, pending_total(counts)

        self.on_store(run, done, failed, "transport_info")

    def set_transport(self, on: bool, done: Done, failed: Failed) -> None:
        def run() -> None:
            self.store.set_setting("transport_mode", on)
            self.store.record_event("transport_mode", on=on)
            if on:
                self.store.request_sync()

        self.on_store(run, done, failed, "set_transport")

    def safe_shutdown(self) -> None:
        """Stop taking dossiers, let the store finish, stop the app (systemd powers off)."""
        log.info("safe_shutdown requested")
        if self.app is None:
            return
        self.app.shutdown_requested = True
        self.on_store(lambda: self.store.record_event("safe_shutdown"),
                      lambda _r: self.app.stop(), lambda _m: self.app.stop())

    # ------------------------------------------------------------------ demo
    def open_demo_tray(self) -> None:
        if self.demo and self.app is not None:
            from appliance.ui.demo_tray import DemoTray

            DemoTray(self).open()


class _StoredPinMemory:
    """The PIN gate's count in the store's settings, so a restart does not reset it."""

    KEY = "staff_pin_gate"

    def __init__(self, services: Services) -> None:
        self._services = services

    def load(self) -> tuple[int, bool, int]:
        store = self._services.store
        saved = store.get_setting(self.KEY, {}) if store is not None else {}
        return (int(saved.get("failures", 0)), bool(saved.get("locked", False)),
                int(saved.get("lockouts", 0)))

    def save(self, failures: int, locked: bool, lockouts: int) -> None:
        if self._services.store is not None:
            self._services.store.set_setting(
                self.KEY, {"failures": failures, "locked": locked, "lockouts": lockouts})


def release_memory() -> None:
    """Give the freed page buffers of a finished session back to the OS.

    A session moves tens of megabytes of page images through worker threads; glibc keeps freed
    blocks in per-thread arenas, so without a trim a kiosk that runs for months would sit on
    its high-water mark. (No gc.collect() here: collecting Kivy widgets off the UI thread
    breaks their bindings; ``KioskApp.end_session`` collects on the UI thread just before.)"""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _one_pdf_per_component(draft: Draft) -> Draft:
    """Pages of a component go to the gateway as one compact PDF (hw.pages.assemble_pdf)."""
    from hw.pages import assemble_pdf

    pages = {code: [Page(assemble_pdf([p.data for p in ps]), "application/pdf")]
             for code, ps in draft.pages.items() if ps}
    return dataclasses.replace(draft, pages=pages)


def _parse_time(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def _when(value: Any) -> str:
    parsed = _parse_time(value)
    return f"{parsed:%H:%M %d/%m/%Y}" if parsed else ""


def _age(seconds: float) -> str:
    if seconds < 3600:
        return f"{int(seconds // 60)} phút"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} giờ"
    return f"{seconds / 86400:.1f} ngày"




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


__all__ = ["Services", "citizen_message", "fold", "unconfigured_reason"]
