"""The UI's worker threads: application calls run off the UI thread, results come back on it.

One thread for the store, one for the devices, one to start and stop QR reading. A call's
``done`` (or ``failed``, with the citizen's Vietnamese message) runs on the UI thread through
``Clock.schedule_once`` (DESIGN §9). Logs get the stable English code, never personal data.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from appliance.config import KioskConfig
from appliance.ui import strings as T
from kioskbase.errors import BilingualError

if TYPE_CHECKING:  # imported on the worker threads, so the first frame does not wait for them
    from appliance.app.devices import Devices
    from appliance.store import Store

log = logging.getLogger("appliance.ui.services")

R = TypeVar("R")
Done = Callable[..., None]
Failed = Callable[[str], None]


def on_ui(fn: Callable[..., None] | None, *args: Any) -> None:
    """Run ``fn(*args)`` on the UI thread, at the next frame."""
    if fn is None:
        return
    from kivy.clock import Clock  # type: ignore[import-untyped, unused-ignore]

    Clock.schedule_once(lambda _dt: fn(*args), 0)


def citizen_message(exc: BaseException) -> str:
    """The Vietnamese text of a refusal or device failure; a generic one for anything else."""
    if isinstance(exc, BilingualError) and exc.reason_vi:
        return exc.reason_vi
    return T.GENERIC_ERROR


class Workers:
    """Thread plumbing shared by the feature groups of ``Services``."""

    def __init__(self, config: KioskConfig, store: Store | None, devices: Devices | None) -> None:
        self.config = config
        self.store = store
        self.devices = devices
        self._store_pool = ThreadPoolExecutor(1, thread_name_prefix="ui-store")
        self._device_pool = ThreadPoolExecutor(1, thread_name_prefix="ui-devices")
        self._camera_pool = ThreadPoolExecutor(1, thread_name_prefix="ui-camera")
        self._pending: set[Future[Any]] = set()
        self._lock = threading.Lock()
        self._closed = False

    def _submit(self, pool: ThreadPoolExecutor, fn: Callable[[], R], done: Done | None,
                failed: Failed | None, what: str) -> Future[R | None]:
        def run() -> R | None:
            try:
                result = fn()
            except Exception as exc:
                if isinstance(exc, BilingualError):
                    log.warning("%s_failed code=%s", what, exc.code)
                else:
                    log.warning("%s_failed code=%s", what, type(exc).__name__)
                    log.exception("%s failed unexpectedly", what)
                on_ui(failed, citizen_message(exc))
                return None
            on_ui(done, result)
            return result

        with self._lock:
            if self._closed:  # a callback queued before close (e.g. a device report): drop it
                log.debug("%s skipped: services closed", what)
                skipped: Future[R | None] = Future()
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

    def on_store(self, fn: Callable[[], R], done: Done | None = None,
                 failed: Failed | None = None, what: str = "store") -> Future[R | None]:
        return self._submit(self._store_pool, fn, done, failed, what)

    def on_devices(self, fn: Callable[[], R], done: Done | None = None,
                   failed: Failed | None = None, what: str = "device") -> Future[R | None]:
        return self._submit(self._device_pool, fn, done, failed, what)

    @property
    def opened_store(self) -> Store:
        """The store, on the store thread (opened before any store work is queued)."""
        assert self.store is not None, "store work queued before the store opened"
        return self.store

    @property
    def opened_devices(self) -> Devices:
        assert self.devices is not None, "device work queued before the devices opened"
        return self.devices
