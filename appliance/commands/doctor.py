"""``kiosk doctor [--json] [--print-test-page]``: self-test of every device and of the system.

One line per check: ✓ or ✗, the reason in Vietnamese and a stable English code. A warning (paper
near end, no network: the kiosk still works) is ✓ with the warning in its reason. Exit status 0
when no check failed, 1 otherwise. Checks are plain functions in ``CHECKS``; each returns results
and never raises. Devices in use by a running ``kiosk run`` (camera, GPIO) are reported busy:
stop the UI first for a full hardware test (docs/hardware.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from appliance import exitcodes
from appliance.app import devices, gateway, runtime
from appliance.app.devices import Devices, DeviceStatus
from appliance.clock import VN_TZ
from appliance.config import KioskConfig
from appliance.store import Store

HELP = "hardware and system self-test, one line per check, non-zero on failure"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--print-test-page", action="store_true",
        help="also print a test page (all Vietnamese letters, a width ruler, a QR code)",
    )


@dataclass(frozen=True)
class Result:
    name: str
    ok: bool
    state: str
    """ok, degraded, failed or unknown (hw.status.Health)."""
    code: str
    reason_vi: str
    reason_en: str


def _from_status(name: str, status: DeviceStatus) -> Result:
    """A status as a check result: OK and DEGRADED pass, FAILED and UNKNOWN do not."""
    return Result(name, status.state in ("ok", "degraded"), str(status.state), status.code,
                  status.reason_vi, status.reason_en)


def _result(name: str, ok: bool, code: str, vi: str, en: str, warn: bool = False) -> Result:
    state = ("degraded" if warn else "ok") if ok else "failed"
    return Result(name, ok, state, code, vi, en)


@dataclass
class Context:
    config: KioskConfig
    print_test_page: bool = False
    _devices: Devices | None = None
    _store: Store | None = None
    _store_error: str | None = None
    closers: list[Callable[[], None]] = field(default_factory=list)

    @property
    def devices(self) -> Devices:
        if self._devices is None:
            self._devices = devices.open_devices(self.config)
            self.closers.append(self._devices.close)
        return self._devices

    @property
    def store(self) -> Store | None:
        if self._store is None and self._store_error is None:
            try:
                self._store = runtime.open_store(self.config)
                self.closers.append(self._store.close)
            except Exception as exc:  # the check reports it; doctor must not crash
                self._store_error = f"{type(exc).__name__}: {exc}"
        return self._store


# ---------------------------------------------------------------------------------- devices


def check_camera(ctx: Context) -> list[Result]:
    return [_from_status("camera", devices.check_camera(ctx.devices))]


def check_qr_decoder(ctx: Context) -> list[Result]:
    error = ctx.devices.errors.get("qr_decoder")
    status = error.status if error else devices.check_decoder(ctx.config.hardware.qr_decoder)
    return [_from_status("qr_decoder", status)]


def check_scanner(ctx: Context) -> list[Result]:
    return [_from_status("scanner", devices.status_of(ctx.devices, "scanner"))]


def check_printer(ctx: Context) -> list[Result]:
    results = [_from_status("printer", devices.status_of(ctx.devices, "printer"))]
    if ctx.print_test_page and ctx.devices.printer is not None:
        try:
            devices.print_test_page(ctx.devices, ctx.config.kiosk.id, dt.datetime.now(VN_TZ))
            results.append(_result("printer_test_page", True, "printer.test_page_sent",
                                   "Đã gửi trang in thử.", "test page sent to the printer"))
        except devices.HardwareError as exc:
            results.append(_from_status("printer_test_page", exc.status))
    return results


def check_gpio(ctx: Context) -> list[Result]:
    return [_from_status("gpio", devices.status_of(ctx.devices, "gpio"))]


def check_network(ctx: Context) -> list[Result]:
    return [_from_status("network", devices.status_of(ctx.devices, "network"))]


def check_card_reader(ctx: Context) -> list[Result]:
    """The chip reader and, when there is one, the trust store its reads are verified with."""
    results = [_from_status("card_reader", devices.status_of(ctx.devices, "card_reader"))]
    if ctx.devices.card_reader is not None:
        from appliance.app import chip

        results.append(_from_status("trust_store", chip.trust_store_status(ctx.config)))
    return results


# ----------------------------------------------------------------------------------- system


def check_storage(ctx: Context) -> list[Result]:
    import shutil

    reserve = ctx.config.storage.reserve_mb * 2**20
    folder = ctx.config.data_dir
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    mib = f"{free // 2**20} MiB free, reserve {reserve // 2**20} MiB"
    if free < reserve:
        return [_result("storage", False, "storage.below_reserve",
                        "Bộ nhớ gần đầy: máy đang từ chối hồ sơ mới. Cần giải phóng dung lượng.",
                        mib)]
    if free < 2 * reserve:
        return [_result("storage", True, "storage.low",
                        "Bộ nhớ sắp đầy; cần giải phóng dung lượng sớm.", mib, warn=True)]
    return [_result("storage", True, "storage.ok", f"Bộ nhớ còn {free // 2**20} MiB.", mib)]


def check_database(ctx: Context) -> list[Result]:
    store = ctx.store
    if store is None:
        return [_result("database", False, "store.open_failed", "Không mở được kho dữ liệu.",
                        ctx._store_error or "store did not open")]
    health = store.health()
    return [_result("database", health.ok, health.code, health.reason_vi, health.reason_en)]


def check_clock(ctx: Context) -> list[Result]:
    store = ctx.store
    if store is None:
        return [_result("clock", False, "clock.unknown", "Không kiểm tra được đồng hồ.",
                        "the store did not open, so staff confirmation cannot be read")]
    status = store.clock.status(store if store.available else None)
    code = f"clock.{status.source}" if status.trusted else "clock.untrusted"
    return [_result("clock", status.trusted, code, status.reason_vi, status.reason_en)]


def check_gateway(ctx: Context) -> list[Result]:
    """The same rule as the sync daemon's probe (appliance.app.gateway)."""
    return [_from_status("gateway", gateway.probe_status(ctx.config))]


CHECKS: list[Callable[[Context], list[Result]]] = [
    check_camera, check_qr_decoder, check_scanner, check_printer, check_gpio, check_network,
    check_card_reader, check_storage, check_database, check_clock, check_gateway,
]


def run_checks(ctx: Context) -> list[Result]:
    results: list[Result] = []
    for check in CHECKS:
        name = check.__name__.removeprefix("check_")
        try:
            results.extend(check(ctx))
        except Exception as exc:  # a broken check is a failed check, not a crashed doctor
            results.append(_result(name, False, f"{name}.check_crashed",
                                   "Lỗi khi kiểm tra.", f"{type(exc).__name__}: {exc}"))
    return results


def report_devices(ctx: Context) -> None:
    """Leave the devices' status in the store for ``kiosk status`` and the sync heartbeat, in
    the shape the UI leaves it (appliance.app.devices)."""
    store = ctx.store
    if store is not None:
        devices.report(store, devices.statuses(ctx.devices))


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    ctx = Context(config, print_test_page=args.print_test_page)
    try:
        results = run_checks(ctx)
        report_devices(ctx)
    finally:
        for close in reversed(ctx.closers):
            close()
    failed = any(not r.ok for r in results)
    if args.json:
        print(json.dumps({"ok": not failed, "config": config.source,
                          "checks": [asdict(r) for r in results]}, ensure_ascii=False, indent=2))
    else:
        width = max(len(r.name) for r in results)
        for r in results:
            mark = "✓" if r.ok else "✗"
            warn = "cảnh báo: " if r.ok and r.state != "ok" else ""
            print(f"{mark} {r.name:<{width}}  {warn}{r.reason_vi} [{r.code}]")
    return exitcodes.FAILURE if failed else exitcodes.OK
