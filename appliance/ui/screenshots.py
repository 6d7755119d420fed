"""``python -m appliance.ui.screenshots docs/screens``: every screen at 800×480 and 1080×1920.

Starts Xvfb when there is no display, runs the app on a throw-away data folder with simulated
hardware and a throw-away portal key, and writes ``NN-<screen>-<W>x<H>.png`` files.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

SIZES = ((800, 480), (1080, 1920))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "docs/screens")
    out.mkdir(parents=True, exist_ok=True)
    xvfb = None
    if not os.environ.get("DISPLAY"):
        from appliance.ui.headless import start_xvfb

        xvfb = start_xvfb()
    with tempfile.TemporaryDirectory(prefix="kiosk-shots-") as tmp:
        os.environ["KIVY_HOME"] = str(Path(tmp) / "kivy")
        (Path(tmp) / "kivy").mkdir()
        try:
            written = _shoot(Path(tmp), out)
        finally:
            if xvfb is not None:
                xvfb.kill()
                xvfb.wait()
    print(f"wrote {written} screenshots to {out}")
    return 0


def _shoot(tmp: Path, out: Path) -> int:
    import tomlkit

    from appliance.app.samples import DEMO_SITES
    from appliance.config import parse
    from appliance.crypto import PortalKey
    from appliance.ui import lockdown

    portal = PortalKey.generate()
    config = parse(tomlkit.dumps({
        "kiosk": {"data_dir": str(tmp / "data"), "clock": "host", "unit_code": "000.00.00.H56",
                  "sites": DEMO_SITES},
        "gateway": {"portal_public_key": portal.public_key_b64},
        "storage": {"reserve_mb": 1},
    }), "screenshots")
    lockdown.configure(*SIZES[0], False)
    from kivy.core.window import Window

    from appliance.ui.app import KioskApp
    from appliance.ui.headless import pump
    from appliance.ui.services import Services
    from appliance.ui.tour import run_tour

    app = KioskApp(Services.from_config(config), timeout_s=10_000, countdown_s=20)
    app._run_prepare()
    pump(5)
    count = 0
    for width, height in SIZES:
        Window.size = (width, height)
        pump(5)
        number = [0]

        def shot(name: str, width: int = width, height: int = height,
                 number: list[int] = number) -> None:
            number[0] += 1
            target = out / f"{number[0]:02d}-{name}-{width}x{height}.png"
            made = Path(Window.screenshot(str(target)))
            made.replace(target)

        run_tour(app, shot)
        count += number[0]
    pump(3)  # the layout of the last screen settles while the app (kv rules use it) still runs
    app.stop()
    pump(2)
    return count


if __name__ == "__main__":
    sys.exit(main())
