"""The citizen's journey in touches: a khai sinh dossier by taps only on the real window
(tests/ui/citizen.py), against issue 13's count before the work (69 at best, 43 of them keys).

Starts Xvfb when there is no display and runs the app on a throw-away data folder with simulated
hardware, once at 800×480 and once at 1080×1920; prints one row per step for each.

    .venv/bin/python bench/journey.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from appliance.ui.headless import start_xvfb

    xvfb = None if os.environ.get("DISPLAY") else start_xvfb()
    try:
        with tempfile.TemporaryDirectory(prefix="kiosk-journey-") as tmp:
            os.environ["KIVY_HOME"] = str(Path(tmp) / "kivy")
            (Path(tmp) / "kivy").mkdir()
            print(_run(Path(tmp)))
    finally:
        if xvfb is not None:
            xvfb.kill()
            xvfb.wait()
    return 0


def _run(tmp: Path) -> str:
    import tomlkit

    from appliance.app.samples import DEMO_SITES
    from appliance.config import parse
    from appliance.crypto import PortalKey
    from appliance.ui import lockdown

    config = parse(tomlkit.dumps({
        "kiosk": {"data_dir": str(tmp / "data"), "clock": "host", "unit_code": "000.00.00.H56",
                  "sites": DEMO_SITES},
        "gateway": {"portal_public_key": PortalKey.generate().public_key_b64},
        "storage": {"reserve_mb": 1},
    }), "journey")
    lockdown.configure(800, 480, False)
    from kivy.core.window import Window

    from appliance.ui.app import KioskApp
    from appliance.ui.services import Services
    from appliance.ui.tour import sample_pages
    from tests.ui.citizen import Citizen, table
    from tests.ui.harness import Driver

    app = KioskApp(Services.from_config(config), timeout_s=10_000, countdown_s=20)
    app._run_prepare()
    ui = Driver(app)
    ui.pump(5)
    app.services.wait_ready()
    scanner = app.services.devices.scanner
    out = []
    for width, height in ((800, 480), (1080, 1920)):
        Window.size = (width, height)
        ui.pump(5)
        citizen = Citizen(ui)
        citizen.khai_sinh(lambda: scanner.feed(sample_pages(1)))
        ui.settle()
        out.append(f"khai sinh, card QR, one optional paper skipped, {width}×{height} "
                   f"(touches)\n{table(citizen.count)}")
        app.end_session("welcome")
        app.services.devices.camera.clear()
        ui.settle()
    app.stop()
    return "\n\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
