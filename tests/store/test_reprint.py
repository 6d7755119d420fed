"""``kiosk slip --dossier CODE`` rebuilds a stored dossier's slip from clear columns only."""

from __future__ import annotations

import json
import subprocess
import sys

from appliance import config as cfg
from appliance.app import runtime, slips
from appliance.crypto import PortalKey
from appliance.domain.slip import slip_text


def _kiosk(conf, *args):
    return subprocess.run(
        [sys.executable, "-m", "appliance.cli", "--config", str(conf), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_reprint_has_code_procedure_and_no_personal_data(tmp_path):
    portal = PortalKey.load_or_create(tmp_path / "portal.key")
    conf = tmp_path / "kiosk.toml"
    conf.write_text(
        f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\nclock = "host"\n'
        f'[gateway]\nportal_public_key = "{portal.public_key_b64}"\n',
        encoding="utf-8",
    )
    seeded = _kiosk(
        conf, "seed", "--dossiers", "1", "--pages", "2", "--procedure", "1.004873", "--json"
    )
    assert seeded.returncode == 0, seeded.stderr
    code = json.loads(seeded.stdout)["created"][0]["code"]

    config = cfg.load_file(conf)
    store = runtime.open_store(config)
    data = slips.stored_slip(config, store, runtime.current_catalogue(store), code)
    store.close()
    text = slip_text(data)
    assert code in text and "Cấp Giấy xác nhận tình trạng hôn nhân" in text
    assert data.citizen_name is None and data.citizen_address is None
    assert data.due.when is not None, "clock trusted: the stored due date is reprinted"
    # the per-year register number kept with the dossier is reprinted (issue 14 item 5)
    assert data.register_no == 1
    assert "Số: 1/TNHS" in text and "Số thứ tự: 1" in text

    out = tmp_path / "slip.png"
    printed = _kiosk(conf, "slip", "--dossier", code, "--out", str(out), "--json")
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout)["dossier_code"] == code and out.stat().st_size > 0
    missing = _kiosk(conf, "slip", "--dossier", "000.00.00.H00-261129-KK01-9999", "--out", str(out))
    assert missing.returncode == 1 and "no dossier" in missing.stderr
