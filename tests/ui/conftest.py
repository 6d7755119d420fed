"""One real Kivy window under Xvfb for the whole UI test session (see harness.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .harness import Driver, start_xvfb


def write_config(root: Path, portal_key_b64: str, **ui: int) -> Path:
    data = root / "data"
    path = root / "kiosk.toml"
    ui_lines = "".join(f"{k} = {v}\n" for k, v in ui.items())
    path.write_text(
        f'[kiosk]\ndata_dir = "{data}"\nclock = "host"\nunit_code = "000.00.00.H56"\n'
        f'[gateway]\nportal_public_key = "{portal_key_b64}"\n'
        f"[ui]\n{ui_lines}"
        "[storage]\nreserve_mb = 1\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="session")
def kiosk(tmp_path_factory: pytest.TempPathFactory):
    """The running app with simulated hardware, driven by a Driver."""
    root = tmp_path_factory.mktemp("ui")
    xvfb = start_xvfb()
    os.environ["KIVY_HOME"] = str(root / "kivy")
    (root / "kivy").mkdir()
    from appliance.crypto import PortalKey

    portal = PortalKey.generate()
    from appliance.config import load_file
    from appliance.ui import lockdown

    config = load_file(write_config(root, portal.public_key_b64, inactivity_timeout_s=120,
                                    countdown_s=20))
    lockdown.configure(800, 480, False)
    from appliance.ui.app import KioskApp
    from appliance.ui.services import Services

    services = Services.from_config(config)
    app = KioskApp(services, timeout_s=config.ui.inactivity_timeout_s,
                   countdown_s=config.ui.countdown_s)
    app._run_prepare()
    driver = Driver(app)
    driver.config = config
    driver.portal = portal
    driver.pump(5)
    yield driver
    app.stop()
    driver.pump(2)
    xvfb.kill()
    xvfb.wait()


@pytest.fixture
def ui(kiosk: Driver) -> Driver:
    kiosk.reset()
    return kiosk
