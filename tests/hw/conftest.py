"""Fixtures for hardware tests: fake device executables and gpiozero's MockFactory."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

FAKE_BIN = Path(__file__).parent / "fake_bin"


@pytest.fixture(scope="session")
def fake_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Fake ``nmcli``, ``scanimage`` and ``ffmpeg`` reproducing the real output formats, run by
    this test run's Python whatever ``python3`` on PATH is."""
    folder = tmp_path_factory.mktemp("fake_bin")
    for source in FAKE_BIN.iterdir():
        body = source.read_text(encoding="utf-8").split("\n", 1)[1]
        target = folder / source.name
        target.write_text(f"#!{sys.executable}\n{body}", encoding="utf-8")
        target.chmod(0o755)
    return folder


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
