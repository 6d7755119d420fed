"""kiosk.toml loading: defaults, lookup order, and one precise line for every kind of mistake."""

from __future__ import annotations

import dataclasses
import json
import math
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance import config as cfg

REPO = Path(__file__).resolve().parents[2]


def test_example_config_in_docs_loads_and_is_complete():
    example = cfg.load_file(REPO / "docs" / "kiosk.example.toml")
    assert example.gateway.url.startswith("https://")
    # Every section of the schema appears in the documented example.
    text = (REPO / "docs" / "kiosk.example.toml").read_text(encoding="utf-8")
    for section in ("kiosk", "gateway", "hardware", "identity", "ui", "staff", "calendar",
                    "storage", "sync"):
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
        ('[hardware]\ncard_reader = "nfc"\n', "hardware.card_reader", '"pcsc"'),
        ('[hardware]\ncard_reader = "pcsc:"\n', "hardware.card_reader", '"pcsc"'),
        ('[hardware]\ncard_reader = "pcsc:a;rm"\n', "hardware.card_reader", '"pcsc"'),
        ('[identity]\nread_face = "yes"\n', "identity.read_face", "expected true or false"),
        ('[identity]\nallow_qr = true\n', "identity.allow_qr", "unknown key"),
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


@pytest.mark.parametrize("spec", ["none", "sim", "pcsc", "pcsc:ACR1252", "pcsc:Virtual PCD 00 00"])
def test_card_reader_strings_the_factory_knows(spec):
    from hw.factory import build_card_reader

    config = cfg.parse(f'[hardware]\ncard_reader = "{spec}"\n', "t")
    assert config.hardware.card_reader == spec
    if not spec.startswith("pcsc"):  # pcsc needs pyscard and pcscd: tests/emrtd/test_reader_pcsc
        build_card_reader(spec)


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


# --- property: any document built from the schema's own keys ------------------------------------

_SCHEMA = {
    name: [f.name for f in dataclasses.fields(section)]
    for name, section in cfg._SECTIONS.items()
}
_scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=30),
    st.sampled_from(["K01", "auto", "host", "zxing", "https://gw.example.vn", "07:00-11:00"]),
)
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4), max_leaves=12)


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, str):
        return json.dumps(value)  # JSON's escapes are TOML basic-string escapes
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


@st.composite
def documents(draw) -> str:
    lines = []
    for section in draw(st.lists(st.sampled_from(sorted(_SCHEMA)), unique=True, max_size=4)):
        lines.append(f"[{section}]")
        for key in draw(st.lists(st.sampled_from(_SCHEMA[section]), unique=True, max_size=4)):
            lines.append(f"{key} = {_toml(draw(_values))}")
    return "\n".join(lines) + "\n"


@settings(max_examples=400, deadline=None)
@given(documents())
def test_any_document_loads_safely_or_fails_in_one_line(text):
    try:
        conf = cfg.parse(text, "kiosk.toml")
    except cfg.ConfigError as exc:
        assert len(str(exc).splitlines()) == 1 and str(exc).startswith("kiosk.toml: ")
        return
    # Whatever loads cannot disarm the kiosk.
    for key, (low, high, open_low) in cfg._BOUNDS.items():
        section, name = key.split(".")
        value = getattr(getattr(conf, section), name)
        assert math.isfinite(value) and (value > low if open_low else value >= low)
        assert value <= high
    assert conf.kiosk.id.isascii() and conf.kiosk.id.isalnum()
    for text_value in (conf.kiosk.unit_name, conf.kiosk.place, conf.kiosk.site, conf.gateway.url):
        assert all(unicodedata.category(c)[0] != "C" for c in text_value)
