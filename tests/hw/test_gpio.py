"""GPIO behaviours on gpiozero's MockFactory: status light, help button, motion, power fail."""

from __future__ import annotations

import threading

import pytest

from hw.errors import SpecError
from hw.gpio import DEFAULT_PINS, Gpio, Light, pin_factory

PINS = dict(DEFAULT_PINS)


@pytest.fixture
def gpio(mock_factory):
    parts = Gpio(mock_factory, PINS, power_fail_hold_s=0.2)
    yield parts
    parts.close()


def pin(factory, name):
    return factory.pin(PINS[name])


def test_status_light_states(gpio, mock_factory):
    states = {}
    for light in (Light.READY, Light.WAITING, Light.OFF):
        gpio.show(light)
        states[light] = tuple(pin(mock_factory, n).state
                              for n in ("status_green", "status_amber", "status_red"))
    assert states[Light.READY] == (1, 0, 0)
    assert states[Light.WAITING] == (0, 1, 0)
    assert states[Light.OFF] == (0, 0, 0)
    red = pin(mock_factory, "status_red")
    gpio.show(Light.FAULT)
    assert gpio.indicators.state is Light.FAULT
    assert pin(mock_factory, "status_green").state == 0
    # Blinking: the red pin turns on and off by itself (MockPin records every change).
    blinked = threading.Event()
    for _ in range(300):
        if {s.state for s in red.states[1:]} >= {True, False}:
            blinked.set()
            break
        blinked.wait(0.01)  # no event exists for "the blink thread toggled"
    assert blinked.is_set()


def test_help_button_calls_staff_and_notifies(gpio, mock_factory):
    pressed = threading.Event()
    gpio.on_help = pressed.set
    assert not gpio.calling_staff
    pin(mock_factory, "help_button").drive_low()  # pressed: pulled to ground
    assert pressed.wait(2)
    assert gpio.calling_staff
    assert pin(mock_factory, "help_output").state == 1
    gpio.staff_answered()
    assert pin(mock_factory, "help_output").state == 0


def test_motion_wakes_the_screen(gpio, mock_factory):
    woke = threading.Event()
    gpio.on_motion = woke.set
    pin(mock_factory, "motion").drive_high()
    assert woke.wait(3)


def test_power_fail_held_requests_shutdown(gpio, mock_factory):
    shutdown = threading.Event()
    gpio.on_power_fail = shutdown.set
    pin(mock_factory, "power_fail").drive_low()
    assert shutdown.wait(3)
    assert gpio.power_failing


def test_power_glitch_shorter_than_hold_is_ignored(gpio, mock_factory):
    shutdown = threading.Event()
    gpio.on_power_fail = shutdown.set
    line = pin(mock_factory, "power_fail")
    line.drive_low()
    line.drive_high()
    # Nothing to await for a non-event: wait out twice the hold time.
    assert not shutdown.wait(0.4)


def test_failing_callback_does_not_break_the_button(gpio, mock_factory):
    calls = []

    def broken():
        calls.append(1)
        raise RuntimeError("UI gone")

    gpio.on_help = broken
    button = pin(mock_factory, "help_button")
    done = threading.Event()
    button.drive_low()
    button.drive_high()
    gpio.on_help = done.set
    button.drive_low()
    assert done.wait(2)
    assert calls == [1]


def test_missing_pin_and_bad_spec_are_config_errors(mock_factory):
    with pytest.raises(SpecError) as exc:
        Gpio(mock_factory, {k: v for k, v in PINS.items() if k != "motion"})
    assert "motion" in str(exc.value)
    with pytest.raises(SpecError):
        pin_factory("raspberry")
