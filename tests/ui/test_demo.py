"""`kiosk demo` starts the gateway sim, the sync daemon and the UI, and stops all three."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request

import psutil
import pytest

from appliance.ui.headless import start_xvfb


@pytest.fixture
def display():
    saved = os.environ.get("DISPLAY")
    xvfb = start_xvfb("1024x768x24")
    yield os.environ["DISPLAY"]
    xvfb.kill()
    xvfb.wait()
    if saved is None:
        os.environ.pop("DISPLAY", None)
    else:
        os.environ["DISPLAY"] = saved


def wait_for(condition, timeout: float = 60.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)  # polling another process's state; there is no event to await
    raise AssertionError("timed out")


def test_demo_runs_gateway_sync_and_ui_and_stops_them_all(tmp_path, display) -> None:
    env = dict(os.environ, DISPLAY=display, KIVY_NO_ARGS="1", KIVY_HOME=str(tmp_path / "kivy"))
    (tmp_path / "kivy").mkdir()
    demo = subprocess.Popen([sys.executable, "-m", "appliance.cli", "demo", "--data",
                             str(tmp_path / "demo")], stdout=subprocess.PIPE, text=True, env=env)
    try:
        lines: list[str] = []
        while not any("touch UI started" in line for line in lines):
            line = demo.stdout.readline()
            assert line, f"demo ended early: {lines}"
            lines.append(line)
        url = next(line.split("gateway sim at ")[1].split()[0] for line in lines
                   if "gateway sim at" in line)
        with urllib.request.urlopen(url + "/api/v1/health", timeout=10) as answer:
            assert json.loads(answer.read())
        parent = psutil.Process(demo.pid)
        children = wait_for(lambda: len(parent.children()) == 3 and parent.children())
        commands = [" ".join(c.cmdline()) for c in children]
        assert any(" portal-sim " in c for c in commands)
        assert any(c.endswith(" sync") for c in commands)
        assert any(" run --windowed --demo" in c for c in commands)
        cards = sorted((tmp_path / "demo" / "sim" / "camera").glob("*.txt"))
        assert len(cards) == 4 and len(list((tmp_path / "demo" / "sim" / "scanner").glob("*.png")))
        assert "huyện Thăng Bình, tỉnh Quảng Nam" in cards[3].read_text("utf-8")  # an old card
        toml = (tmp_path / "demo" / "kiosk.toml").read_text("utf-8")
        assert 'parent_body = "UBND XÃ THĂNG PHÚ"' in toml  # today's names (issue 14 item 11)
        demo.send_signal(signal.SIGTERM)
        assert demo.wait(30) == 0
        for child in children:
            assert not child.is_running() or child.status() == psutil.STATUS_ZOMBIE
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
