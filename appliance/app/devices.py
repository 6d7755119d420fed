"""The kiosk's devices: opened once, one status shape, one report to the store, one test page.

Every process that owns devices (the touch UI; ``kiosk doctor`` when the UI is stopped) opens them
with :func:`open_devices`, asks :func:`statuses` and leaves :func:`report` in the store, where
``kiosk status`` and the sync daemon's heartbeat read it. The shape is ``hw.status.DeviceStatus``
for every device, including one that could not be opened or did not answer (UNKNOWN, never OK).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping

from PIL import Image, ImageDraw, ImageFont

from appliance.config import KioskConfig
from appliance.domain.dossier import Page
from appliance.store import Store
from hw.errors import HardwareError
from hw.factory import Devices
from hw.factory import open_devices as _open
from hw.gpio import Light
from hw.imagefile import ImageFileError, load_image
from hw.pages import process_page
from hw.printer import Printer
from hw.printer.testpage import render_test_page
from hw.qr import DecodedQr, decode
from hw.qrscanner import QrScanner
from hw.scanner import ScannedPage
from hw.status import DeviceStatus, Health, failed, ok
from kioskbase.fonts import find_font

STATUS_DEVICES = ("camera", "scanner", "printer", "gpio", "network", "card_reader")
"""The devices with a status, in the order staff, ``kiosk doctor`` and the heartbeat list them."""

OPTIONAL_DEVICES = {"card_reader": ("Máy không dùng đầu đọc chip thẻ căn cước.",
                                    "no card reader configured ([hardware] card_reader = none)")}
"""Devices a kiosk may go without: not configured is OK, not a failure."""

NOT_OPENED_VI = "Chức năng này chưa có trên máy này."
NO_ANSWER_VI = "Thiết bị không trả lời khi được hỏi trạng thái."

__all__ = [
    "STATUS_DEVICES", "DeviceStatus", "Devices", "HardwareError", "Health", "ImageFileError",
    "Light", "QrScanner", "ScannedPage", "load_image",
]


def open_devices(config: KioskConfig) -> Devices:
    """Every configured device; one that fails to open is in ``errors`` and never stops the rest."""
    hw = dataclasses.asdict(config.hardware) | {"sim_dir": str(config.sim_dir)}
    return _open(**hw)


def status_of(devices: Devices, name: str) -> DeviceStatus:
    """One device's status now; never raises (a device that throws is UNKNOWN)."""
    device = getattr(devices, name, None)
    if device is None:
        error = devices.errors.get(name)
        if error is None and name in OPTIONAL_DEVICES:
            return ok(f"{name}.not_configured", *OPTIONAL_DEVICES[name])
        return error.status if error else failed(f"{name}.not_opened", NOT_OPENED_VI,
                                                 f"{name}: not opened")
    try:
        status = device.status()
    except HardwareError as exc:
        return exc.status
    except Exception as exc:  # a driver's own error: the device gave no usable answer
        return DeviceStatus(Health.UNKNOWN, type(exc).__name__, NO_ANSWER_VI, f"{name}: {exc}")
    device_status: DeviceStatus = getattr(status, "device", status)  # PrinterStatus → common shape
    return device_status


def statuses(devices: Devices) -> dict[str, DeviceStatus]:
    return {name: status_of(devices, name) for name in STATUS_DEVICES}


def report(store: Store, found: Mapping[str, DeviceStatus]) -> None:
    """Leave the devices' status in the store (the UI after each session, ``kiosk doctor``)."""
    if store.available:
        store.report_devices({name: {"state": str(s.state), "code": s.code,
                                     "reason_en": s.reason_en} for name, s in found.items()})


def printer(devices: Devices) -> Printer:
    """The printer, or the reason it could not be opened."""
    if devices.printer is None:
        raise devices.errors.get("printer") or HardwareError(
            "printer.not_opened", NOT_OPENED_VI, "printer: not opened")
    return devices.printer


def print_test_page(devices: Devices, kiosk_id: str, now: dt.datetime) -> None:
    """The one test page (hw/printer/testpage.py): every Vietnamese letter, a ruler, a QR code."""
    target = printer(devices)
    target.print_image(render_test_page(target.width_dots, kiosk_id, now))
    target.cut()


def print_text(devices: Devices, lines: list[str]) -> None:
    """Plain lines of Vietnamese on the receipt printer (the staff's end-of-day report)."""
    target = printer(devices)
    font = ImageFont.truetype(find_font("Roboto-Regular.ttf"), 26)
    image = Image.new("1", (target.width_dots, 40 * len(lines) + 40), 1)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((10, 20 + 40 * i), line, font=font, fill=0)
    target.print_image(image)
    target.cut()


def status_light(store: Store) -> Light:
    """The cabinet's light: fault when the store refuses dossiers or an alert is open, waiting
    while dossiers wait to be sent, else ready."""
    if not store.health().ok or store.alerts():
        return Light.FAULT
    return Light.WAITING if store.pending_count() else Light.READY


def qr_reader(devices: Devices, on_payload: Callable[[str, bytes], None],
              on_error: Callable[[HardwareError], None]) -> QrScanner:
    """A QR reader on the camera (it runs its own loop; start and stop it)."""
    if devices.camera is None:
        raise devices.errors.get("camera") or HardwareError(
            "camera.not_opened", NOT_OPENED_VI, "camera: not opened")
    return QrScanner(devices.camera, on_payload, decoder=devices.qr_decoder, on_error=on_error)


def page_of(scanned: ScannedPage) -> tuple[Page, Image.Image]:
    """A scanned sheet as a dossier page (compact greyscale JPEG) and its screen thumbnail."""
    page = Page(process_page(scanned.image, scanned.dpi), "image/jpeg")
    thumb = scanned.image.convert("L")
    thumb.thumbnail((240, 340))
    return page, thumb


def decode_qr(image: Image.Image, decoder: str) -> list[DecodedQr]:
    """Every QR code in a picture, with its text strictly decoded as UTF-8 (``kiosk decode``)."""
    return decode(image, decoder)


def check_decoder(decoder: str) -> DeviceStatus:
    """Decode a synthetic ID card with every Vietnamese letter: the decoder must read it exactly."""
    from appliance.app.samples import card_image

    payload, image = card_image(seed=1)
    try:
        texts = [qr.text for qr in decode(image, decoder)]
    except HardwareError as exc:
        return exc.status
    if texts == [payload]:
        return ok("qr.ok", f"Bộ giải mã QR {decoder} đọc đúng tiếng Việt.",
                  f"{decoder} decodes a Vietnamese test payload exactly")
    return failed("qr.wrong_text", f"Bộ giải mã QR {decoder} đọc sai mã thử.",
                  f"{decoder} returned {len(texts)} result(s), none equal to the test payload")


def check_camera(devices: Devices) -> DeviceStatus:
    """The camera's status after reading one frame (the frame size in the reason)."""
    if devices.camera is None:
        return status_of(devices, "camera")
    try:
        frame = devices.camera.read_luma(timeout=3.0)
    except HardwareError as exc:
        return exc.status
    status = devices.camera.status()
    height, width = frame.shape
    return DeviceStatus(status.state, status.code, f"{status.reason_vi} ({width}×{height})",
                        f"{status.reason_en}; frame {width}x{height}")
