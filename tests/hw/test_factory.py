"""Building backends from kiosk.toml strings; bad strings and missing libraries say what to do."""

from __future__ import annotations

import builtins
import sys

import pytest

from hw import factory
from hw.camera.sim import SimCamera
from hw.errors import MissingDependency, SpecError
from hw.gpio import DEFAULT_PINS
from hw.network.sim import SimNetwork
from hw.printer.escpos_printer import EscposPrinter
from hw.printer.sim import SimPrinter
from hw.scanner.camera import CameraScanner
from hw.scanner.sim import SimScanner


def test_simulated_defaults_open(tmp_path):
    devices = factory.open_devices(sim_dir=tmp_path, pins=DEFAULT_PINS)
    try:
        assert devices.errors == {}
        assert isinstance(devices.camera, SimCamera)
        assert isinstance(devices.scanner, SimScanner)
        assert isinstance(devices.printer, SimPrinter)
        assert devices.printer.width_dots == 576
        assert isinstance(devices.network, SimNetwork)
        assert devices.printer.out_dir == tmp_path / "printer"
    finally:
        devices.close()


def test_one_bad_device_does_not_stop_the_others(tmp_path):
    devices = factory.open_devices(sim_dir=tmp_path, printer="bluetooth:xx", paper_width_mm=58,
                                   scanner="camera")
    try:
        assert set(devices.errors) == {"printer"}
        assert devices.errors["printer"].code == "config.bad_device"
        assert "hardware.printer" in devices.errors["printer"].reason_en
        assert isinstance(devices.scanner, CameraScanner)
    finally:
        devices.close()


@pytest.mark.parametrize(
    ("key", "value"),
    [("camera", "webcam"), ("camera", "v4l2:video0"), ("scanner", "sane:"),
     ("network", "wpa"), ("printer", "usb:04b8"), ("printer", "network:"),
     ("printer", "serial:ttyUSB0"), ("printer", "file:relative"), ("qr_decoder", "zbar")],
)
def test_bad_strings_name_the_key(tmp_path, key, value):
    builders = {
        "camera": lambda: factory.build_camera(value),
        "scanner": lambda: factory.build_scanner(value),
        "network": lambda: factory.build_network(value),
        "printer": lambda: factory.build_printer(value, sim_dir=tmp_path),
        "qr_decoder": lambda: factory.check_decoder(value),
    }
    with pytest.raises(SpecError) as exc:
        builders[key]()
    assert exc.value.key == key


def test_printer_strings_parse(tmp_path):
    for spec, describe in (("network:192.0.2.10", "192.0.2.10:9100"),
                           ("network:printer.local:9101", "printer.local:9101")):
        printer = factory.build_printer(spec)
        assert isinstance(printer, EscposPrinter) and printer.describe == describe
    assert factory.build_printer(f"file:{tmp_path}/lp0", paper_width_mm=58).width_dots == 384


def _hide(monkeypatch, *names):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.split(".")[0] in names:
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    for name in list(sys.modules):
        if name.split(".")[0] in names:
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(builtins, "__import__", fake_import)


def test_missing_picamera2_names_the_debian_package(monkeypatch):
    _hide(monkeypatch, "picamera2")
    with pytest.raises(MissingDependency) as exc:
        factory.build_camera("picamera2")
    assert "python3-picamera2" in exc.value.install


@pytest.mark.parametrize(
    ("cls", "spec", "install"),
    [("Usb", "usb:04b8:0e15", "pip install '.[pi]'"),
     ("Serial", "serial:/dev/ttyUSB0", "pip install '.[pi]'"),
     ("CupsPrinter", "cups:receipts", "python3-cups")],
)
def test_missing_printer_library_names_what_to_install(monkeypatch, cls, spec, install):
    import escpos.printer

    monkeypatch.setattr(getattr(escpos.printer, cls), "is_usable", staticmethod(lambda: False))
    with pytest.raises(MissingDependency) as exc:
        factory.build_printer(spec)
    assert install in exc.value.install
    assert "Cần cài" in exc.value.reason_vi


def test_missing_lgpio_names_the_extra(monkeypatch):
    _hide(monkeypatch, "lgpio", "RPi")
    monkeypatch.delitem(sys.modules, "gpiozero.pins.lgpio", raising=False)
    monkeypatch.delitem(sys.modules, "gpiozero.pins.rpigpio", raising=False)
    with pytest.raises(MissingDependency) as exc:
        factory.build_gpio("native", pins=DEFAULT_PINS)
    assert "pip install '.[pi]'" in exc.value.install


def test_missing_programs_name_the_debian_package(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    for build, package in (
        (lambda: factory.build_scanner("sane:epjitsu:libusb:001:004"), "sane-utils"),
        (lambda: factory.build_network("nmcli"), "network-manager"),
        (lambda: factory.build_camera("v4l2:/dev/video0"), "ffmpeg"),
    ):
        with pytest.raises(MissingDependency) as exc:
            build()
        assert package in exc.value.install


def test_a_driver_error_is_contained_to_its_device(tmp_path, mock_factory, monkeypatch):
    from gpiozero.exc import GPIOPinInUse

    def busy(spec):
        raise GPIOPinInUse("pin 17 is already in use by another kiosk process")

    monkeypatch.setattr(factory, "pin_factory", busy)
    devices = factory.open_devices(sim_dir=tmp_path)
    try:
        assert set(devices.errors) == {"gpio"}
        assert devices.errors["gpio"].code == "gpio.open_failed"
        assert "GPIOPinInUse" in devices.errors["gpio"].reason_en
        assert devices.printer is not None and devices.camera is not None
    finally:
        devices.close()
