"""Fixtures for hardware tests: fake device executables and gpiozero's MockFactory."""

from __future__ import annotations

from pathlib import Path

import pytest

FAKE_BIN = Path(__file__).parent / "fake_bin"


@pytest.fixture
def fake_bin() -> Path:
    """Fake ``nmcli``, ``scanimage`` and ``ffmpeg`` reproducing the real output formats."""
    return FAKE_BIN


@pytest.fixture
def mock_factory():
    """A fresh MockFactory per test, reset afterwards as gpiozero's own conftest does."""
    from gpiozero import Device
    from gpiozero.pins.mock import MockFactory

    factory = MockFactory()
    yield factory
    factory.reset()
    if Device.pin_factory is not None:
        Device.pin_factory.reset()
