"""Build device backends from the ``[hardware]`` strings of ``kiosk.toml``.

Takes plain values (``hw`` cannot import ``appliance``); the keyword names are those of
``HardwareSection``, so the appliance side can pass its fields straight through::

    devices = open_devices(**dataclasses.asdict(config.hardware) | {"sim_dir": config.sim_dir})

Strings (docs/hardware.md): camera ``sim`` | ``picamera2`` | ``v4l2:/dev/video0``;
qr_decoder ``zxing`` | ``pyzbar``; scanner ``sim`` | ``sane:<device>`` | ``camera``;
printer ``sim`` | ``usb:VID:PID`` | ``serial:/dev/ttyUSB0`` | ``network:host[:port]`` |
``file:/path`` | ``cups:queue``; gpio ``mock`` | ``native``; network ``sim`` | ``nmcli``;
card_reader ``none`` | ``sim`` | ``pcsc`` | ``pcsc:<part of the reader name>``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hw.camera import Camera
from hw.cardreader import CardReader
from hw.errors import HardwareError, SpecError
from hw.gpio import DEFAULT_PINS, Gpio, pin_factory
from hw.network import Network
from hw.printer import Printer, width_dots
from hw.qr import DECODERS
from hw.scanner import Scanner


def build_camera(spec: str, *, sim_dir: str | Path = "") -> Camera:
    if spec == "sim":
        from hw.camera.sim import SimCamera

        return SimCamera(Path(sim_dir) / "camera" if sim_dir else None)
    if spec == "picamera2":
        from hw.camera.picamera2 import Picamera2Camera

        return Picamera2Camera()
    if spec.startswith("v4l2:") and spec[5:].startswith("/dev/"):
        from hw.camera.v4l2 import V4l2Camera

        return V4l2Camera(spec[5:])
    raise SpecError("camera", spec, '"sim", "picamera2" or "v4l2:/dev/videoN"')


def check_decoder(name: str) -> str:
    if name not in DECODERS:
        raise SpecError("qr_decoder", name, '"zxing" or "pyzbar"')
    return name


def build_scanner(
    spec: str, *, sim_dir: str | Path = "", camera: Camera | None = None
) -> Scanner:
    if spec == "sim":
        from hw.scanner.sim import SimScanner

        return SimScanner(Path(sim_dir) / "scanner" if sim_dir else None)
    if spec.startswith("sane:") and len(spec) > 5:
        from hw.scanner.sane import SaneScanner

        return SaneScanner(spec[5:])
    if spec == "camera":
        if camera is None:
            raise SpecError("scanner", spec, "a camera to be configured as well")
        from hw.scanner.camera import CameraScanner

        return CameraScanner(camera)
    raise SpecError("scanner", spec, '"sim", "sane:<device>" or "camera"')


def build_printer(spec: str, *, paper_width_mm: int = 80, sim_dir: str | Path = "") -> Printer:
    try:
        dots = width_dots(paper_width_mm)
    except ValueError:
        raise SpecError("paper_width_mm", str(paper_width_mm), "58 or 80") from None
    if spec == "sim":
        from hw.printer.sim import SimPrinter

        if not sim_dir:
            raise SpecError("printer", spec, "a sim_dir to write printed slips into")
        return SimPrinter(Path(sim_dir) / "printer", dots)
    from hw.printer.transports import escpos_printer

    return escpos_printer(spec, dots)


def build_gpio(spec: str, *, pins: Mapping[str, int]) -> Gpio:
    return Gpio(pin_factory(spec), pins)


def build_network(spec: str) -> Network:
    if spec == "sim":
        from hw.network.sim import SimNetwork

        return SimNetwork()
    if spec == "nmcli":
        from hw.network.nmcli import NmcliNetwork

        return NmcliNetwork()
    raise SpecError("network", spec, '"sim" or "nmcli"')


def build_card_reader(spec: str) -> CardReader | None:
    if spec == "none":
        return None
    if spec == "sim":
        from hw.cardreader.sim import SimCardReader

        return SimCardReader()
    if spec == "pcsc" or spec.startswith("pcsc:"):
        from hw.cardreader.pcsc import PcscCardReader

        return PcscCardReader(spec[5:])
    raise SpecError("card_reader", spec, '"none", "sim", "pcsc" or "pcsc:<reader name>"')


@dataclass
class Devices:
    """Every seam that could be opened, and why the others could not."""

    camera: Camera | None = None
    qr_decoder: str = "zxing"
    scanner: Scanner | None = None
    printer: Printer | None = None
    gpio: Gpio | None = None
    network: Network | None = None
    card_reader: CardReader | None = None
    errors: dict[str, HardwareError] = field(default_factory=dict)

    def close(self) -> None:
        for part in (self.camera, self.scanner, self.printer, self.gpio, self.card_reader):
            if part is not None:
                part.close()


def open_devices(
    *, camera: str = "sim", qr_decoder: str = "zxing", scanner: str = "sim", printer: str = "sim",
    paper_width_mm: int = 80, gpio: str = "mock", network: str = "sim",
    card_reader: str = "none", sim_dir: str | Path = "", pins: Mapping[str, int] | None = None,
) -> Devices:
    """Open every configured seam; one failing device never prevents the others."""
    devices = Devices()
    builders: dict[str, Callable[[], object]] = {
        "camera": lambda: build_camera(camera, sim_dir=sim_dir),
        "qr_decoder": lambda: check_decoder(qr_decoder),
        "scanner": lambda: build_scanner(scanner, sim_dir=sim_dir, camera=devices.camera),
        "printer": lambda: build_printer(printer, paper_width_mm=paper_width_mm, sim_dir=sim_dir),
        "gpio": lambda: build_gpio(gpio, pins=pins if pins is not None else DEFAULT_PINS),
        "network": lambda: build_network(network),
        "card_reader": lambda: build_card_reader(card_reader),
    }
    for name, build in builders.items():
        try:
            setattr(devices, name, build())
        except HardwareError as exc:
            devices.errors[name] = exc
        except Exception as exc:  # a driver's own error (pin busy, device gone): still one device
            devices.errors[name] = HardwareError(
                f"{name}.open_failed",
                "Không mở được thiết bị (có thể đang được chương trình khác dùng).",
                f"{name}: {type(exc).__name__}: {exc}",
            )
    return devices
