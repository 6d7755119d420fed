"""Status light, help button, motion sensor and power-fail input through gpiozero.

``"mock"`` uses gpiozero's MockFactory (tests, desktop, demo: drive its pins to simulate);
``"native"`` uses lgpio, the pin library that works on every Pi model including the Pi 5. Each part
gets its pin factory explicitly, so nothing depends on gpiozero's global default.

Callbacks (``on_help``, ``on_motion``, ``on_power_fail``) run on gpiozero's threads: a UI must hop
to its own thread. They may be assigned after construction.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING

from hw.errors import PI_EXTRA, HardwareError, MissingDependency, SpecError
from hw.status import DeviceStatus, ok

if TYPE_CHECKING:
    from gpiozero.pins import Factory  # untyped library: Any to the checker

log = logging.getLogger(__name__)

PIN_NAMES = ("status_green", "status_amber", "status_red", "help_button", "help_output",
             "motion", "power_fail")
DEFAULT_PINS = {"status_green": 17, "status_amber": 27, "status_red": 22, "help_button": 23,
                "help_output": 24, "motion": 25, "power_fail": 5}
"""BCM numbers; the same defaults as ``kiosk.toml``'s ``[hardware.pins]``."""
Callback = Callable[[], None] | None


class Light(StrEnum):
    OFF = "off"
    READY = "ready"
    """Green, steady: the kiosk takes citizens."""
    WAITING = "waiting"
    """Amber, steady: dossiers are waiting to be synced."""
    FAULT = "fault"
    """Red, blinking: staff are needed."""


def pin_factory(spec: str) -> Factory:
    """A gpiozero pin factory for ``"mock"`` or ``"native"``."""
    if spec == "mock":
        from gpiozero.pins.mock import MockFactory

        return MockFactory()
    if spec == "native":
        # lgpio works on every Pi model (the only choice on a Pi 5); RPi.GPIO is the fallback
        # where an image ships it instead.
        for module, name in (("gpiozero.pins.lgpio", "LGPIOFactory"),
                             ("gpiozero.pins.rpigpio", "RPiGPIOFactory")):
            try:
                factory_cls = getattr(importlib.import_module(module), name)
            except ImportError:
                continue
            try:
                return factory_cls()
            except Exception as exc:  # the library is there but this is no Pi, or no access
                raise HardwareError(
                    "gpio.unavailable", "Không truy cập được chân GPIO.", f"GPIO unavailable: {exc}"
                ) from None
        raise MissingDependency(
            "lgpio (GPIO pins)", f"{PI_EXTRA} (or apt install python3-lgpio / python3-rpi.gpio)"
        )
    raise SpecError("gpio", spec, '"mock" or "native"')


class Indicators:
    """The three-colour status light."""

    def __init__(self, factory: Factory, green: int, amber: int, red: int) -> None:
        from gpiozero import LED

        self.state = Light.OFF
        self._green = LED(green, pin_factory=factory)
        self._amber = LED(amber, pin_factory=factory)
        self._red = LED(red, pin_factory=factory)

    def show(self, light: Light) -> None:
        light = Light(light)
        self._green.off()
        self._amber.off()
        self._red.off()
        if light is Light.READY:
            self._green.on()
        elif light is Light.WAITING:
            self._amber.on()
        elif light is Light.FAULT:
            self._red.blink(on_time=0.5, off_time=0.5)
        self.state = light

    def close(self) -> None:
        for led in (self._green, self._amber, self._red):
            led.close()


class Gpio:
    """All GPIO parts of the kiosk, built from one pin factory and the ``[hardware.pins]`` table."""

    def __init__(
        self, factory: Factory, pins: Mapping[str, int], power_fail_hold_s: float = 1.0
    ) -> None:
        from gpiozero import Button, DigitalOutputDevice, MotionSensor

        missing = [name for name in PIN_NAMES if name not in pins]
        if missing:
            raise SpecError("pins", ", ".join(missing), f"a BCM pin number for each of {PIN_NAMES}")
        self.factory = factory
        self.on_help: Callback = None
        self.on_motion: Callback = None
        self.on_power_fail: Callback = None
        self.indicators = Indicators(
            factory, pins["status_green"], pins["status_amber"], pins["status_red"]
        )
        self._help_output = DigitalOutputDevice(pins["help_output"], pin_factory=factory)
        # Buttons and the power-fail line are active low with the Pi's internal pull-up.
        self._help_button = Button(pins["help_button"], bounce_time=0.05, pin_factory=factory)
        self._motion = MotionSensor(pins["motion"], pin_factory=factory)
        self._power_fail = Button(
            pins["power_fail"], hold_time=power_fail_hold_s, pin_factory=factory
        )
        self._help_button.when_pressed = self._help_pressed
        # Reading the value waits for the sensor's first sample; motion before that would not be
        # an edge and would never fire ``when_motion``.
        self._motion.value  # noqa: B018
        self._motion.when_motion = self._motion_seen
        # Held, not pressed: a brown-out glitch shorter than the hold time is not a power failure.
        self._power_fail.when_held = self._power_failed
        self._devices = (self.indicators, self._help_output,
                         self._help_button, self._motion, self._power_fail)

    @staticmethod
    def _call(callback: Callback, name: str) -> None:
        if callback is None:
            return
        try:
            callback()
        except Exception:
            log.exception("GPIO %s callback failed", name)

    def _motion_seen(self) -> None:
        self._call(self.on_motion, "motion")

    def _power_failed(self) -> None:
        self._call(self.on_power_fail, "power_fail")

    def _help_pressed(self) -> None:
        self._help_output.on()
        self._call(self.on_help, "help")

    def show(self, light: Light) -> None:
        self.indicators.show(light)

    # Help output (a bell or lamp at the counter) ---------------------------------------------

    @property
    def calling_staff(self) -> bool:
        return bool(self._help_output.value)

    def call_staff(self) -> None:
        self._help_output.on()

    def staff_answered(self) -> None:
        self._help_output.off()

    @property
    def power_failing(self) -> bool:
        return bool(self._power_fail.is_pressed)

    def status(self) -> DeviceStatus:
        kind = type(self.factory).__name__
        return ok("gpio.ok", "Đèn, nút bấm và cảm biến sẵn sàng.", f"GPIO ready ({kind})")

    def close(self) -> None:
        for device in self._devices:
            device.close()

