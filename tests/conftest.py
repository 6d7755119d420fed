"""Shared fixtures: every test gets its own data folder and never touches the user's config."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")


@pytest.fixture(autouse=True)
def _isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
):
    """No test may read /etc/kiosk/kiosk.toml, $KIOSK_CONFIG or the real per-user data folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("KIVY_HOME", str(home / ".kivy"))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    monkeypatch.setattr("appliance.config.SYSTEM_CONFIG", Path(home / "no-such-kiosk.toml"))
