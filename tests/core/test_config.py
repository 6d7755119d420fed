"""kiosk.toml loading: defaults, lookup order, and one precise line for every kind of mistake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from appliance import config as cfg

REPO = Path(__file__).resolve().parents[2]


def test_example_config_in_docs_loads_and_is_complete():
    example = cfg.load_file(REPO / "docs" / "kiosk.example.toml")
    assert example.gateway.url.startswith("https://")
    # Every section of the schema appears in the documented example.
    text = (REPO / "docs" / "kiosk.example.toml").read_text(encoding="utf-8")
    for section in ("kiosk", "gateway", "hardware", "ui", "staff", "calendar", "storage", "sync"):
        assert f"[{section}]" in text


def test_no_file_gives_simulated_desktop_default(tmp_path, monkeypatch):
    conf = cfg.load(None)
    assert conf.source.startswith("<built-in")
    assert cfg.is_simulated(conf)
    assert "kiosk" in str(conf.data_dir)


def test_env_var_is_used_when_no_explicit_path(tmp_path, monkeypatch):
    path = tmp_path / "k.toml"
    path.write_text('[kiosk]\nid = "K7"\n', encoding="utf-8")
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    assert cfg.load(None).kiosk.id == "K7"
    explicit = tmp_path / "other.toml"
    explicit.write_text('[kiosk]\nid = "K8"\n', encoding="utf-8")
    assert cfg.load(explicit).kiosk.id == "K8"


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ('[kiosk]\nidd = "K1"\n', "kiosk.idd", "unknown key"),
        ('[kiosk]\nid = 3\n', "kiosk.id", "expected a string, got a whole number"),
        ('[storage]\nreserve_mb = "lots"\n', "storage.reserve_mb", "expected a whole number"),
        ('[ui]\nfullscreen = "yes"\n', "ui.fullscreen", "expected true or false"),
        ('[gateway]\nurl = "http://gw.example.vn"\n', "gateway.url", "allowed for loopback"),
        ('[gateway]\nurl = "ftp://x"\n', "gateway.url", "https://"),
        ('[calendar]\noffice_hours = ["7-11"]\n', "calendar hours[0]", "HH:MM-HH:MM"),
        ('[calendar]\nworking_day_count = "hours"\n', "calendar.working_day_count", "whole_days"),
        ("[calendar]\nworking_day_count = 8\n", "calendar.working_day_count", "expected a string"),
        ('[hardware]\npaper_width_mm = 70\n', "hardware.paper_width_mm", "58 or 80"),
        ("[printer]\nx = 1\n", "printer", "unknown section"),
        ("[kiosk\n", "", "not valid TOML"),
    ],
)
def test_bad_file_gives_precise_error(tmp_path, text, key, fragment):
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(cfg.ConfigError) as info:
        cfg.load_file(path)
    assert info.value.key == key
    assert fragment in info.value.expected
    assert str(path) in str(info.value)


def test_loopback_http_is_allowed(tmp_path):
    conf = cfg.parse('[gateway]\nurl = "http://127.0.0.1:8080"\n', "t")
    assert conf.gateway.url == "http://127.0.0.1:8080"


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(cfg.ConfigError, match="file not found"):
        cfg.load_file(tmp_path / "missing.toml")
    with pytest.raises(cfg.ConfigError, match="is a directory"):
        cfg.load_file(tmp_path)
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(cfg.ConfigError, match="not UTF-8"):
        cfg.load_file(binary)


def test_cli_reports_bad_config_in_one_line_with_status_2(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text('[kiosk]\nunit = "x"\n', encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "appliance.cli", "--config", str(path), "status"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "kiosk.unit" in lines[0] and str(path) in lines[0]
    assert "Traceback" not in proc.stderr


def test_data_dir_defaults_device_vs_desktop(tmp_path, monkeypatch):
    etc = tmp_path / "etc" / "kiosk"
    etc.mkdir(parents=True)
    (etc / "kiosk.toml").write_text("[kiosk]\n", encoding="utf-8")
    monkeypatch.setattr(cfg, "SYSTEM_CONFIG", etc / "kiosk.toml")
    assert cfg.load(None).data_dir == cfg.DEVICE_DATA_DIR
    desk = tmp_path / "desk.toml"
    desk.write_text("[kiosk]\n", encoding="utf-8")
    assert cfg.load(desk).data_dir != cfg.DEVICE_DATA_DIR
    assert cfg.load(desk).with_data_dir(tmp_path / "d").data_dir == tmp_path / "d"


def test_working_day_count_setting_matches_the_calendar():
    """The config's allowed values and default are the domain's (config cannot import it)."""
    from appliance.domain.calendar import DEFAULT_DAY_COUNT, DayCount

    assert tuple(m.value for m in DayCount) == cfg.WORKING_DAY_COUNTS
    assert cfg.CalendarSection().working_day_count == DEFAULT_DAY_COUNT.value
    for value in cfg.WORKING_DAY_COUNTS:
        assert cfg.parse(f'[calendar]\nworking_day_count = "{value}"\n', "t").calendar \
            .working_day_count == value
