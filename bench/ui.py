"""Touch UI: time from launch to the first frame, and resident memory after 50 complete simulated
sessions, against a bare Kivy window in the same run (issue 6).

Each measurement runs in its own process under one Xvfb server. Targets: start within 2× and
memory within 1.5× of the bare window, and less than 10% growth between session 10 and 50.

    .venv/bin/python bench/ui.py [--sessions 50] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = """
import os, sys, time, json, psutil
t0 = float(sys.argv[1])
from kivy.config import Config
Config.set("graphics", "width", "800"); Config.set("graphics", "height", "480")
from kivy.app import App
from kivy.uix.label import Label
from kivy.core.window import Window
class Bare(App):
    def build(self):
        Window.bind(on_flip=self.first)
        return Label(text="Xin chào")
    def first(self, *_):
        Window.unbind(on_flip=self.first)
        rss = psutil.Process().memory_info().rss
        print(json.dumps({"first_frame_s": time.time() - t0, "rss_mb": rss / 2**20}), flush=True)
        self.stop()
Bare().run()
"""


def kiosk_child(t0: float, sessions: int, pages: list[Path]) -> None:
    """Runs in the child: the real app, first frame, then ``sessions`` complete sessions."""
    import psutil

    from appliance.config import parse
    from appliance.crypto import PortalKey
    from appliance.ui import lockdown

    tmp = Path(tempfile.mkdtemp(prefix="kiosk-bench-"))
    portal = PortalKey.generate()
    config = parse(f'[kiosk]\ndata_dir = "{tmp}"\nclock = "host"\n[gateway]\n'
                   f'portal_public_key = "{portal.public_key_b64}"\n[storage]\nreserve_mb = 1\n',
                   "bench")
    lockdown.configure(800, 480, False)
    from kivy.clock import Clock
    from kivy.core.window import Window

    from appliance.ui.app import KioskApp
    from appliance.ui.headless import wait_until
    from appliance.ui.services import Services
    from appliance.ui.tour import simulated_session

    app = KioskApp(Services.from_config(config), timeout_s=10_000)
    result: dict[str, float] = {}
    process = psutil.Process()

    def first(*_args: object) -> None:
        Window.unbind(on_flip=first)
        result["first_frame_s"] = time.time() - t0
        result["rss_first_mb"] = process.memory_info().rss / 2**20
        Clock.schedule_once(run_sessions, 0)

    def run_sessions(_dt: float) -> None:
        started = time.perf_counter()
        for n in range(1, sessions + 1):
            simulated_session(app, pages, n)
            wait_until(lambda: not app.services.busy, 30, "session clean-up")
            if n in (10, sessions):
                result[f"rss_{n}_mb"] = process.memory_info().rss / 2**20
        result["session_s"] = (time.perf_counter() - started) / max(sessions, 1)
        result["sessions"] = sessions
        print(json.dumps(result), flush=True)
        app.stop()

    Window.bind(on_flip=first)
    app.run()


def _run(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1200)
    for line in reversed(out.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"no result (exit {out.returncode}) from {cmd[1:3]}: {out.stderr[-2000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3, help="launches of each (median is used)")
    parser.add_argument("--child", choices=["kiosk"], help=argparse.SUPPRESS)
    parser.add_argument("--t0", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--pages", nargs="*", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kiosk_child(args.t0, args.sessions, [Path(p) for p in args.pages])
        return 0

    bare, kiosk = _measure(args.runs, args.sessions)
    _report(bare, kiosk, args.runs, args.sessions)
    return 0


def _measure(runs: int, sessions: int) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """Launch the bare window and the kiosk ``runs`` times each under one X server; the first
    kiosk launch also runs ``sessions`` citizen sessions."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from appliance.ui.headless import start_xvfb

    xvfb = start_xvfb() if not os.environ.get("DISPLAY") else None
    env = dict(os.environ, KIVY_NO_ARGS="1",
               KIVY_HOME=tempfile.mkdtemp(prefix="kivy-bench-"))
    from appliance.ui.tour import sample_pages

    page_files = []  # what the simulated scanner reads, as the demo's scanner folder does
    for i, image in enumerate(sample_pages(2, seed=7)):
        page_files.append(Path(env["KIVY_HOME"]) / f"page-{i}.png")
        image.save(page_files[-1])
    bare_script = Path(env["KIVY_HOME"]) / "bare_window.py"
    bare_script.write_text(BARE, encoding="utf-8")  # Kivy's App wants a source file
    try:
        bare, kiosk = [], []
        for run in range(runs):
            bare.append(_run([sys.executable, str(bare_script), repr(time.time())], env))
            count = sessions if run == 0 else 0  # later launches: start time only
            kiosk.append(_run([sys.executable, __file__, "--child", "kiosk", "--sessions",
                               str(count), "--t0", repr(time.time()), "--pages",
                               *map(str, page_files)], env))
    finally:
        if xvfb is not None:
            xvfb.kill()
            xvfb.wait()
    return bare, kiosk


def _report(bare: list[dict[str, float]], kiosk: list[dict[str, float]], runs: int,
            n: int) -> None:
    def med(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    start_bare, start_kiosk = med(bare, "first_frame_s"), med(kiosk, "first_frame_s")
    rss_bare = med(bare, "rss_mb")
    full = kiosk[0]
    rss_10, rss_n = full["rss_10_mb"], full[f"rss_{n}_mb"]
    growth = (rss_n - rss_10) / rss_10
    rows = [
        (f"launch → first frame (s, median of {runs})", start_bare, start_kiosk,
         start_kiosk / start_bare, "≤ 2.0×"),
        ("resident memory at first frame (MB)", rss_bare, full["rss_first_mb"],
         full["rss_first_mb"] / rss_bare, ""),
        (f"resident memory after {n} sessions (MB)", rss_bare, rss_n, rss_n / rss_bare,
         "≤ 1.5×"),
        (f"growth session 10 → {n}", None, growth * 100, None, "< 10 %"),
        ("one complete session (s)", None, full["session_s"], None, ""),
    ]
    print(f"{'measure':44} {'bare':>9} {'kiosk':>9} {'ratio':>7}  target")
    for name, base, value, ratio, target in rows:
        b = f"{base:9.2f}" if base is not None else " " * 9
        r = f"{ratio:6.2f}×" if ratio is not None else " " * 7
        unit = " %" if "growth" in name else ""
        print(f"{name:44} {b} {value:9.2f}{unit if unit else ''} {r}  {target}")

if __name__ == "__main__":
    sys.exit(main())
