"""``kiosk run``: the touch UI, full-screen and locked down (DESIGN §9, §11)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from typing import Any

from appliance import exitcodes
from appliance.config import KioskConfig

log = logging.getLogger(__name__)

HELP = "the touch UI (full-screen kiosk; simulated hardware on a desktop)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--windowed", action="store_true",
                        help="not full-screen, whatever kiosk.toml says (development)")
    parser.add_argument("--size", metavar="WxH",
                        help="window size, e.g. 800x480 or 1080x1920 (default from kiosk.toml)")
    parser.add_argument("--voice", action="store_true", help="start with voice guidance on")
    parser.add_argument("--demo", action="store_true",
                        help="show the demo tray (sample ID cards and pages for the simulators)")


def parse_size(text: str | None, config: KioskConfig) -> tuple[int, int]:
    if not text:
        return config.ui.width, config.ui.height
    try:
        w, h = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"kiosk run: --size: expected WxH like 800x480, got {text!r}") from None
    return w, h


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    width, height = parse_size(args.size, config)
    fullscreen = config.ui.fullscreen and not args.windowed
    if "KIVY_HOME" not in os.environ:
        kivy_home = config.data_dir / "kivy"
        kivy_home.mkdir(parents=True, exist_ok=True)
        os.environ["KIVY_HOME"] = str(kivy_home)
    from appliance.ui import lockdown

    lockdown.configure(width, height, fullscreen)
    from kivy.core.window import Window

    if Window is None:  # Kivy logs why; without this the app dies on an AttributeError
        print("kiosk run: no window could be opened (no display, or no OpenGL/KMS access): "
              "see docs/technician.md, Troubleshooting", file=sys.stderr)
        return exitcodes.FAILURE
    from appliance.ui.app import KioskApp
    from appliance.ui.services import Services, unconfigured_reason

    reason = unconfigured_reason(config)
    services = Services.from_config(config, demo=args.demo)
    app = KioskApp(services, timeout_s=config.ui.inactivity_timeout_s,
                   countdown_s=config.ui.countdown_s, voice=args.voice or config.ui.voice,
                   demo=args.demo, unconfigured=reason)
    stop_on_signals(app)
    app.run()
    return exitcodes.SHUTDOWN_REQUESTED if app.shutdown_requested else exitcodes.OK


def stop_on_signals(app: Any) -> None:
    """systemd stops the UI with SIGTERM. SDL turns that signal into a window-close request,
    which the locked-down window refuses (no way out from a keyboard), so the UI would ignore
    it until systemd's kill. Handle it here instead (after SDL installed its handlers): finish
    the background work (a dossier being saved, a slip being printed) and exit 0."""

    def stop(signum: int, _frame: object) -> None:
        from kivy.clock import Clock

        log.info("stopping on %s", signal.Signals(signum).name)
        Clock.schedule_once(lambda _dt: app.stop(), 0)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, stop)
