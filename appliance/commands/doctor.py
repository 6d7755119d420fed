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
from typing import TYPE_CHECKING, Any

from appliance import exitcodes
from appliance.config import KioskConfig

if TYPE_CHECKING:
    from appliance.store import Store
    from hw.factory import Devices

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


def _from_status(name: str, status: Any) -> Result:
    """A device status as a check result: OK and DEGRADED pass, FAILED and UNKNOWN do not."""
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
            from hw.factory import open_devices

            hw = self.config.hardware
            self._devices = open_devices(
                camera=hw.camera, qr_decoder=hw.qr_decoder, scanner=hw.scanner,
                printer=hw.printer, paper_width_mm=hw.paper_width_mm, gpio=hw.gpio,
                network=hw.network, sim_dir=self.config.sim_dir, pins=hw.pins,
            )
            self.closers.append(self._devices.close)
        return self._devices

    @property
    def store(self) -> Store | None:
        if self._store is None and self._store_error is None:
            from appliance import runtime

            try:
                self._store = runtime.open_store(self.config)
                self.closers.append(self._store.close)
            except Exception as exc:  # the check reports it; doctor must not crash
                self._store_error = f"{type(exc).__name__}: {exc}"
        return self._store


def _device_error(ctx: Context, name: str) -> Result | None:
    error = ctx.devices.errors.get(name)
    return _from_status(name, error.status) if error else None


# ---------------------------------------------------------------------------------- devices


def check_camera(ctx: Context) -> list[Result]:
    from hw.errors import HardwareError

    if (failed := _device_error(ctx, "camera")) is not None:
        return [failed]
    camera = ctx.devices.camera
    assert camera is not None  # no open error recorded, so it was opened
    try:
        frame = camera.read_luma(timeout=3.0)
    except HardwareError as exc:
        return [_from_status("camera", exc.status)]
    status = camera.status()
    height, width = frame.shape
    return [Result("camera", True, "ok", status.code, f"{status.reason_vi} ({width}×{height})",
                   f"{status.reason_en}; frame {width}x{height}")]


def check_qr_decoder(ctx: Context) -> list[Result]:
    from hw.camera.samples import card_payloads
    from hw.camera.sim import render_payload
    from hw.errors import HardwareError
    from hw.qr import decode

    if (failed := _device_error(ctx, "qr_decoder")) is not None:
        return [failed]
    decoder = ctx.config.hardware.qr_decoder
    payload = card_payloads(1, seed=1)[0]
    try:
        texts = [qr.text for qr in decode(render_payload(payload), decoder)]
    except HardwareError as exc:
        return [_from_status("qr_decoder", exc.status)]
    if texts == [payload]:
        return [_result("qr_decoder", True, "qr.ok",
                        f"Bộ giải mã QR {decoder} đọc đúng tiếng Việt.",
                        f"{decoder} decodes a Vietnamese test payload exactly")]
    return [_result("qr_decoder", False, "qr.wrong_text",
                    f"Bộ giải mã QR {decoder} đọc sai mã thử.",
                    f"{decoder} returned {len(texts)} result(s), none equal to the test payload")]


def check_scanner(ctx: Context) -> list[Result]:
    if (failed := _device_error(ctx, "scanner")) is not None:
        return [failed]
    scanner = ctx.devices.scanner
    assert scanner is not None  # no open error recorded, so it was opened
    return [_from_status("scanner", scanner.status())]


def check_printer(ctx: Context) -> list[Result]:
    from hw.errors import HardwareError
    from hw.printer.testpage import render_test_page

    if (failed := _device_error(ctx, "printer")) is not None:
        return [failed]
    printer = ctx.devices.printer
    assert printer is not None  # no open error recorded, so it was opened
    results = [_from_status("printer", printer.status().device)]
    if ctx.print_test_page:
        from appliance.clock import VN_TZ

        now = dt.datetime.now(VN_TZ)
        page = render_test_page(printer.width_dots, ctx.config.kiosk.id, now)
        try:
            printer.print_image(page)
            printer.cut()
            results.append(_result("printer_test_page", True, "printer.test_page_sent",
                                   "Đã gửi trang in thử.", "test page sent to the printer"))
        except HardwareError as exc:
            results.append(_from_status("printer_test_page", exc.status))
    return results


def check_gpio(ctx: Context) -> list[Result]:
    if (failed := _device_error(ctx, "gpio")) is not None:
        return [failed]
    gpio = ctx.devices.gpio
    assert gpio is not None  # no open error recorded, so it was opened
    return [_from_status("gpio", gpio.status())]


def check_network(ctx: Context) -> list[Result]:
    if (failed := _device_error(ctx, "network")) is not None:
        return [failed]
    network = ctx.devices.network
    assert network is not None  # no open error recorded, so it was opened
    return [_from_status("network", network.status())]


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
    """The sync daemon's own probe (same Session, proxies ignored, size cap, deadline)."""
    from sync.client import probe
    from sync.errors import BadAnswer, CaptivePortal, SyncError
    from sync.transport import redact_url

    gw = ctx.config.gateway
    if not gw.url:
        return [_result("gateway", True, "gateway.not_configured",
                        "Chưa cấu hình cổng kết nối; máy làm việc ngoại tuyến.",
                        "no gateway.url configured: offline operation", warn=True)]
    try:
        health = probe(gw.url, connect_timeout_s=gw.connect_timeout_s,
                       read_timeout_s=gw.read_timeout_s, ca_bundle=gw.ca_bundle)
    except SyncError as err:
        if isinstance(err, CaptivePortal | BadAnswer):
            code = "gateway.not_gateway"
        elif err.code in ("tls", "config"):
            code = f"gateway.{err.code}"
        else:
            code = "gateway.unreachable"
        return [_result("gateway", False, code, err.reason_vi,
                        f"{redact_url(gw.url)}: {err.describe()}")]
    return [_result("gateway", True, "gateway.ok", health.reason_vi, health.reason_en)]


CHECKS: list[Callable[[Context], list[Result]]] = [
    check_camera, check_qr_decoder, check_scanner, check_printer, check_gpio, check_network,
    check_storage, check_database, check_clock, check_gateway,
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


DEVICE_CHECKS = frozenset({"camera", "qr_decoder", "scanner", "printer", "gpio", "network"})


def report_devices(ctx: Context, results: list[Result]) -> None:
    """Leave the device results in the store for ``kiosk status`` and the sync heartbeat."""
    store = ctx.store
    if store is None or not store.available:
        return
    store.report_devices({
        r.name: {"state": r.state, "code": r.code, "reason_en": r.reason_en}
        for r in results if r.name in DEVICE_CHECKS
    })


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    ctx = Context(config, print_test_page=args.print_test_page)
    try:
        results = run_checks(ctx)
        report_devices(ctx, results)
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
