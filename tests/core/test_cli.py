"""The ``kiosk`` command line: every DESIGN §11 command that exists is listed, stable exit codes."""

from __future__ import annotations

import subprocess
import sys

from appliance import cli, exitcodes


def _kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "appliance.cli", *args], capture_output=True, text=True, check=False
    )


def test_help_lists_every_available_command():
    proc = _kiosk("--help")
    assert proc.returncode == 0
    assert {"status", "seed"} <= cli.COMMANDS.keys()
    for name in cli.COMMANDS:
        assert name in proc.stdout


def test_every_registered_module_defines_the_command_protocol():
    for name, module_name in cli.COMMANDS.items():
        module = __import__(module_name, fromlist=["run"])
        assert isinstance(module.HELP, str) and module.HELP, name
        assert callable(module.add_arguments) and callable(module.run), name


def test_no_command_is_a_usage_error():
    assert _kiosk().returncode == exitcodes.USAGE


def test_status_json_on_a_fresh_desktop(tmp_path):
    import json

    conf = tmp_path / "k.toml"
    key = "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s="  # any 32 bytes: a sealing key is set
    conf.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "d"}"\nclock = "host"\n'
                    f'[gateway]\nportal_public_key = "{key}"\n', encoding="utf-8")
    proc = _kiosk("--config", str(conf), "status", "--json")
    assert proc.returncode == exitcodes.OK, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["queue"] == {"queued": 0, "sending": 0, "sent": 0, "purged": 0, "quarantined": 0}
    assert doc["accepting_submissions"] is True and doc["clock"]["trusted"] is True


def test_seed_without_portal_key_is_refused_with_a_reason(tmp_path):
    conf = tmp_path / "k.toml"
    conf.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "d"}"\n', encoding="utf-8")
    proc = _kiosk("--config", str(conf), "seed", "--dossiers", "1")
    assert proc.returncode == exitcodes.REFUSED
    assert "portal_public_key" in proc.stderr and "Traceback" not in proc.stderr


def test_doctor_reports_devices_that_status_then_shows(tmp_path):
    import json

    conf = tmp_path / "k.toml"
    conf.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "d"}"\nclock = "host"\n', encoding="utf-8")
    before = json.loads(_kiosk("--config", str(conf), "status", "--json").stdout)
    assert before["devices"] is None
    assert _kiosk("--config", str(conf), "doctor").returncode == exitcodes.OK
    after = json.loads(_kiosk("--config", str(conf), "status", "--json").stdout)
    assert after["devices"]["devices"]["printer"]["state"] == "ok"
    assert after["devices"]["devices"]["camera"]["code"] == "camera.sim"
