"""python-escpos transports from ``kiosk.toml`` printer strings.

``usb:VID:PID`` (hex) · ``serial:/dev/ttyUSB0[:baud]`` · ``network:host[:port]`` (default 9100) ·
``file:/dev/usb/lp0`` · ``cups:queue``. Each transport's library is checked when the printer is
built, so a missing one is reported by ``kiosk doctor`` with what to install, not at first print.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING

from hw.errors import PI_EXTRA, MissingDependency, SpecError
from hw.printer.escpos_printer import EscposPrinter

if TYPE_CHECKING:
    from escpos.escpos import Escpos  # untyped library: Any to the checker

EXPECTED = (
    '"sim", "usb:VID:PID", "serial:/dev/ttyUSB0", "network:host[:port]", "file:/path" '
    'or "cups:queue"'
)
PROFILE = "default"
NETWORK_TIMEOUT_S = 10.0


def _printer_module() -> ModuleType:
    return importlib.import_module("escpos.printer")


def _usb(arg: str) -> tuple[Callable[[], Escpos], str]:
    try:
        vid, pid = (int(x, 16) for x in arg.split(":"))
    except ValueError:
        raise SpecError("printer", f"usb:{arg}", "usb:VID:PID in hex, e.g. usb:04b8:0e15") from None
    printer = _printer_module()
    if not printer.Usb.is_usable():
        raise MissingDependency("pyusb (USB printer)", f"{PI_EXTRA} (or apt install python3-usb)")
    describe = f"USB {vid:04x}:{pid:04x}"
    return (lambda: printer.Usb(vid, pid, timeout=5000, profile=PROFILE)), describe


def _serial(arg: str) -> tuple[Callable[[], Escpos], str]:
    devfile, _, baud = arg.partition(":")
    if not devfile.startswith("/") or (baud and not baud.isdigit()):
        raise SpecError("printer", f"serial:{arg}", "serial:/dev/ttyUSB0[:baud]")
    printer = _printer_module()
    if not printer.Serial.is_usable():
        raise MissingDependency(
            "pyserial (serial printer)", f"{PI_EXTRA} (or apt install python3-serial)"
        )
    rate = int(baud) if baud else 9600
    return (lambda: printer.Serial(devfile, baudrate=rate, timeout=2, profile=PROFILE)), devfile


def _network(arg: str, timeout_s: float = NETWORK_TIMEOUT_S) -> tuple[Callable[[], Escpos], str]:
    host, sep, port = arg.rpartition(":")
    if not sep or not port.isdigit():
        host, port = arg, "9100"
    if not host or not 0 < int(port) < 65536:
        raise SpecError("printer", f"network:{arg}", "network:host or network:host:port")
    printer = _printer_module()
    return (
        lambda: printer.Network(host, int(port), timeout=timeout_s, profile=PROFILE)
    ), f"{host}:{port}"


def _file(arg: str) -> tuple[Callable[[], Escpos], str]:
    if not arg.startswith("/"):
        raise SpecError("printer", f"file:{arg}", "file:/absolute/path, e.g. file:/dev/usb/lp0")
    printer = _printer_module()
    return (lambda: printer.File(arg, profile=PROFILE)), arg


def _cups(arg: str) -> tuple[Callable[[], Escpos], str]:
    if not arg:
        raise SpecError("printer", "cups:", "cups:<queue name>")
    printer = _printer_module()
    if not printer.CupsPrinter.is_usable():
        raise MissingDependency("pycups (CUPS printer)", "apt install python3-cups")
    return (lambda: printer.CupsPrinter(arg, profile=PROFILE)), f"CUPS queue {arg}"


_KINDS = {"usb": _usb, "serial": _serial, "network": _network, "file": _file, "cups": _cups}


def escpos_printer(
    spec: str, width_dots: int, network_timeout_s: float = NETWORK_TIMEOUT_S
) -> EscposPrinter:
    """``network_timeout_s`` bounds every socket wait, including a status query nobody answers."""
    kind, sep, arg = spec.partition(":")
    if not sep or kind not in _KINDS:
        raise SpecError("printer", spec, EXPECTED)
    if kind == "network":
        make_device, describe = _network(arg, network_timeout_s)
    else:
        make_device, describe = _KINDS[kind](arg)
    return EscposPrinter(make_device, width_dots, describe)
