"""`kiosk run` as systemd runs it: it says READY, and one SIGTERM stops it cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import pytest

from appliance.crypto import PortalKey

from .test_demo import display  # noqa: F401  (fixture)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_one_signal_stops_the_locked_down_ui(tmp_path, display, sig) -> None:  # noqa: F811
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\nclock = "host"\n'
                      f'[gateway]\nportal_public_key = "{PortalKey.generate().public_key_b64}"\n'
                      '[storage]\nreserve_mb = 1\n', encoding="utf-8")
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(tmp_path / "notify.sock"))
    notify.settimeout(60)
    env = dict(os.environ, DISPLAY=display, KIVY_NO_ARGS="1", KIVY_HOME=str(tmp_path / "kivy"),
               NOTIFY_SOCKET=str(tmp_path / "notify.sock"))
    ui = subprocess.Popen([sys.executable, "-m", "appliance.cli", "--config", str(config), "run",
                           "--size", "800x480"], env=env, stderr=subprocess.DEVNULL)
    try:
        assert notify.recv(4096).startswith(b"READY=1")  # the first frame is on screen
        ui.send_signal(sig)
        assert ui.wait(30) == 0  # without a handler SDL's close request is refused: no exit
    finally:
        notify.close()
        if ui.poll() is None:
            ui.kill()
            ui.wait()
