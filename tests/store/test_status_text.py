"""``kiosk status`` in text: a kiosk that refuses dossiers says why, in the staff's English."""

from __future__ import annotations

import subprocess
import sys

from appliance.app import runtime
from appliance.config import load_file


def test_a_refusing_kiosk_says_why(tmp_path):
    conf = tmp_path / "kiosk.toml"
    conf.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\nclock = "host"\n'
                    f'[storage]\nreserve_mb = 1\n', encoding="utf-8")
    store = runtime.open_store(load_file(conf))
    store.set_setting("transport_mode", True)
    store.close()
    shown = subprocess.run([sys.executable, "-m", "appliance.cli", "--config", str(conf),
                            "status"], capture_output=True, text=True, check=False)
    assert shown.returncode == 0, shown.stderr
    assert "accepting     NO: transport mode is on" in shown.stdout
