"""`kiosk provision` on temporary folders standing in for the boot and data partitions."""

from __future__ import annotations

import json
import os
import stat
import tomllib
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.cli import main
from appliance.config import load_file
from appliance.pin import verify_pin
from appliance.provisioning import Layout, network, provision
from appliance.provisioning.scrub import scrub, secrets_present

SECRET = "s3cr3t-gateway-Xq9"
PSK = "wifi pass; #1 \\ ok"
PIN = "482913"
CODE = "enrol-0ne-t1me-K07"

GOOD = f"""\
# kiosk.toml written by the technician
[kiosk]
id = "K07"
unit_code = "000.00.00.H56"   # the commune's code
place = "Xã Mẫu"

[gateway]
url = "https://gateway.example.gov.vn/kiosk"
enrolment_code = "{CODE}"  # one-time, from the gateway's administrator

[provision]
hostname = "kiosk-mau-07"
timezone = "Asia/Ho_Chi_Minh"
staff_pin = "{PIN}"           # typed in clear; provisioning hashes it
gateway_client_id = "kiosk-k07"
gateway_client_secret = "{SECRET}"

[wifi]
ssid = "UBND Xa Mau"
psk = {json.dumps(PSK)}
"""


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    boot = tmp_path / "boot"
    boot.mkdir()
    return Layout(boot_dir=boot, data_dir=tmp_path / "data" / "kiosk",
                  system_dir=tmp_path / "data" / "system")


def write_boot(layout: Layout, text: str) -> Path:
    path = layout.boot_dir / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def all_bytes_under(*roots: Path) -> bytes:
    return b"".join(p.read_bytes() for r in roots for p in sorted(r.rglob("*")) if p.is_file())


def test_good_config_provisions_and_moves_every_secret_off_the_boot_partition(layout):
    boot_file = write_boot(layout, GOOD)
    outcome = provision(layout)
    assert outcome.status == "provisioned", outcome
    assert sorted(outcome.scrubbed) == ["gateway.enrolment_code", "provision.gateway_client_secret",
                                        "provision.staff_pin", "wifi.psk"]

    # Boot partition: no secret left anywhere, comments and other values kept, still valid.
    boot_bytes = all_bytes_under(layout.boot_dir)
    for secret in (SECRET, PSK, PIN, CODE):
        assert secret.encode() not in boot_bytes
    scrubbed = boot_file.read_text(encoding="utf-8")
    assert "# the commune's code" in scrubbed and "kiosk-k07" in scrubbed
    assert secrets_present(scrubbed) == []
    load_file(boot_file)

    # Data partition: secrets 0600, device key 0600, the installed config loads and holds none.
    creds = layout.data_dir / "secrets" / "gateway.json"
    assert json.loads(creds.read_text()) == {"client_id": "kiosk-k07", "client_secret": SECRET,
                                             "enrolment_code": CODE}
    assert mode(creds) == 0o600 and mode(layout.data_dir / "secrets") == 0o700
    assert mode(layout.data_dir / "secrets" / "device.key") == 0o600
    profile = layout.nm_dir / "kiosk-wifi.nmconnection"
    assert mode(profile) == 0o600
    assert network.read_psk(profile.read_text()) == PSK
    assert network.read_ssid(profile.read_text()) == "UBND Xa Mau"

    installed_path = layout.system_dir / "kiosk.toml"
    installed_text = installed_path.read_text(encoding="utf-8")
    assert SECRET not in installed_text and PIN not in installed_text and CODE not in installed_text
    assert "[provision]" not in installed_text and "[wifi]" not in installed_text
    installed = load_file(installed_path)
    assert installed.data_dir == layout.data_dir
    assert installed.gateway.credentials_file == str(creds)
    assert installed.kiosk.place == "Xã Mẫu" and installed.kiosk.id == "K07"
    assert verify_pin(PIN, installed.staff.pin_hash)
    assert not verify_pin("000000", installed.staff.pin_hash)

    assert (layout.system_dir / "hostname").read_text() == "kiosk-mau-07\n"
    assert os.readlink(layout.system_dir / "localtime") == "/usr/share/zoneinfo/Asia/Ho_Chi_Minh"
    result = (layout.boot_dir / "provision-result.txt").read_text()
    assert result.startswith("OK") and outcome.device_public_key in result
    assert not (layout.data_dir / "unconfigured.json").exists()


def test_second_run_is_unchanged_and_keeps_key_hash_and_secrets(layout):
    write_boot(layout, GOOD)
    first = provision(layout)
    snapshot = {p: p.read_bytes() for p in layout.data_dir.rglob("*") if p.is_file()}
    installed = (layout.system_dir / "kiosk.toml").read_bytes()

    second = provision(layout)
    assert second.status == "unchanged" and second.ok
    assert second.device_public_key == first.device_public_key
    assert {p: p.read_bytes() for p in layout.data_dir.rglob("*") if p.is_file()} == snapshot
    assert (layout.system_dir / "kiosk.toml").read_bytes() == installed


def test_editing_a_plain_key_later_reprovisions_and_keeps_the_moved_secrets(layout):
    boot_file = write_boot(layout, GOOD)
    first = provision(layout)
    pin_hash = load_file(layout.system_dir / "kiosk.toml").staff.pin_hash
    boot_file.write_text(boot_file.read_text().replace('place = "Xã Mẫu"', 'place = "Xã Mới"'))

    again = provision(layout)
    assert again.status == "provisioned" and again.scrubbed == []
    installed = load_file(layout.system_dir / "kiosk.toml")
    assert installed.kiosk.place == "Xã Mới"
    assert installed.staff.pin_hash == pin_hash
    assert again.device_public_key == first.device_public_key
    creds = json.loads((layout.data_dir / "secrets" / "gateway.json").read_text())
    assert creds["client_secret"] == SECRET
    profile = (layout.nm_dir / "kiosk-wifi.nmconnection").read_text()
    assert network.read_psk(profile) == PSK


def assert_unconfigured(layout: Layout, code: str) -> dict:
    record = json.loads((layout.data_dir / "unconfigured.json").read_text(encoding="utf-8"))
    assert record["code"] == code
    assert record["reason_vi"] == unicodedata.normalize("NFC", record["reason_vi"])
    assert "chưa được cấu hình" in record["reason_vi"]
    fallback = load_file(layout.system_dir / "kiosk.toml")  # `kiosk run` can start on it
    assert fallback.data_dir == layout.data_dir and fallback.ui.fullscreen
    assert (layout.boot_dir / "provision-result.txt").read_text().startswith("FAILED")
    return record


def test_missing_config_leaves_the_kiosk_unconfigured_with_the_reason(layout, capsys):
    code = main(["provision", "--boot-dir", str(layout.boot_dir), "--data-dir",
                 str(layout.data_dir), "--system-dir", str(layout.system_dir), "--json"])
    assert code == 2
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "unconfigured" and out["code"] == "boot_config_missing"
    assert_unconfigured(layout, "boot_config_missing")


@pytest.mark.parametrize(
    ("text", "code", "named"),
    [
        ("[kiosk]\nid = \"K01\"\ncolour = \"red\"\n", "boot_config_invalid", "kiosk.colour"),
        ("[kiosk\nid = 1\n", "boot_config_invalid", "not valid TOML"),
        ("[provision]\nstaff_pin = \"12ab\"\n", "boot_config_invalid", "provision.staff_pin"),
        ("[provision]\nstaff_pin = \"1234\"\nhostname = \"Kiosk_1\"\n", "boot_config_invalid",
         "provision.hostname"),
        ("[provision]\nstaff_pin = \"1234\"\ntimezone = \"Asia/Hanoi_City\"\n",
         "boot_config_invalid", "provision.timezone"),
        ("[provision]\nstaff_pin = \"1234\"\n[wifi]\nssid = \"x\"\npsk = \"short\"\n",
         "boot_config_invalid", "wifi.psk"),
        ("[kiosk]\nid = \"K01\"\n", "boot_config_incomplete", "provision.staff_pin"),
        ("[gateway]\nurl = \"https://gw.example.gov.vn\"\n[provision]\nstaff_pin = \"1234\"\n",
         "boot_config_incomplete", "gateway_client_secret"),
    ],
)
def test_bad_config_is_reported_never_raised(layout, text, code, named):
    write_boot(layout, text)
    outcome = provision(layout)
    assert outcome.status == "unconfigured" and not outcome.ok
    record = assert_unconfigured(layout, code)
    assert named in record["reason_en"]
    assert named in (layout.boot_dir / "provision-result.txt").read_text()


def test_bad_config_after_a_good_one_keeps_the_previous_configuration(layout):
    boot_file = write_boot(layout, GOOD)
    provision(layout)
    installed = (layout.system_dir / "kiosk.toml").read_bytes()
    boot_file.write_text(boot_file.read_text() + "\n[printer]\nmodel = 1\n")

    outcome = provision(layout)
    assert outcome.status == "kept_previous" and outcome.code == "boot_config_invalid"
    assert (layout.system_dir / "kiosk.toml").read_bytes() == installed
    assert not (layout.data_dir / "unconfigured.json").exists()
    assert "previous configuration" in (layout.boot_dir / "provision-result.txt").read_text()


def test_fixing_the_config_clears_the_unconfigured_state(layout):
    write_boot(layout, "[kiosk]\nid = \"bad id!\"\n")
    assert provision(layout).status == "unconfigured"
    write_boot(layout, GOOD)
    assert provision(layout).status == "provisioned"
    assert not (layout.data_dir / "unconfigured.json").exists()


TECHNICIAN = """\
# kiosk.toml for Xã Mẫu, typed by the technician on 2026-11-30
[kiosk]
id = "K07"      # seventh kiosk of the commune
place = "Xã Mẫu"

[gateway]
url = "https://gateway.example.gov.vn/kiosk"
# one-time code from the gateway's administrator
enrolment_code = "ENROL-7Q2X"  # expires Friday

[provision]
staff_pin = "482913"           # typed in clear
gateway_client_id = "kiosk-k07"
gateway_client_secret = '''
s3cr3t-gateway-Xq9'''

  # indented comment, kept
[wifi]
ssid = "UBND Xa Mau"
psk = "wifi pass; #1"
"""


def test_scrub_keeps_the_technicians_comments_and_layout_and_removes_every_secret():
    new, blanked = scrub(TECHNICIAN)
    assert sorted(blanked) == ["gateway.enrolment_code", "provision.gateway_client_secret",
                               "provision.staff_pin", "wifi.psk"]
    for secret in ("ENROL-7Q2X", "482913", "s3cr3t-gateway-Xq9", "wifi pass"):
        assert secret not in new
    old_lines, new_lines = TECHNICIAN.splitlines(), new.splitlines()
    # every line that held no secret is still there, in the same order, byte for byte
    kept = [ln for ln in old_lines if not any(
        ln.startswith(k) for k in ("enrolment_code", "staff_pin", "gateway_client_secret",
                                   "s3cr3t", "psk"))]
    assert [ln for ln in new_lines if ln in kept] == kept
    # a secret line keeps its key, its own comment, and says where the value went
    assert 'enrolment_code = "" # expires Friday (moved to the data partition by kiosk provision)' \
        in new_lines
    assert 'staff_pin = "" # typed in clear (moved to the data partition by kiosk provision)' \
        in new_lines
    raw = tomllib.loads(new)
    assert raw["provision"]["gateway_client_secret"] == "" and raw["wifi"]["psk"] == ""
    assert raw["kiosk"] == {"id": "K07", "place": "Xã Mẫu"}


def test_secrets_in_any_toml_shape_are_blanked_in_place(layout):
    wifi = "[wifi]\nssid = \"UBND Xa Mau\"\npsk = " + json.dumps(PSK) + "\n"
    assert wifi in GOOD
    text = "wifi = { ssid = \"UBND Xa Mau\", psk = " + json.dumps(PSK) + " }\n" + GOOD.replace(
        f'gateway_client_secret = "{SECRET}"', f'gateway_client_secret = """\n{SECRET}"""'
    ).replace(wifi, "")
    write_boot(layout, text)
    outcome = provision(layout)
    assert outcome.status == "provisioned" and outcome.warnings == []
    boot_text = (layout.boot_dir / "kiosk.toml").read_text()
    assert SECRET.encode() not in all_bytes_under(layout.boot_dir)
    assert secrets_present(boot_text) == []
    assert "# the commune's code" in boot_text  # comments survive every shape


printable = st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=8, max_size=63)


@settings(max_examples=60, deadline=None)
@given(secret=printable, pin=st.from_regex(r"[0-9]{4,12}", fullmatch=True))
def test_scrub_removes_any_one_line_secret_and_keeps_the_rest(secret, pin):
    text = (f"[provision]\nstaff_pin = \"{pin}\" # pin\nhostname = \"k1\"\n"
            f"[wifi]\nssid = \"net\"\npsk = {json.dumps(secret)}\n")
    new, blanked = scrub(text)
    assert sorted(blanked) == ["provision.staff_pin", "wifi.psk"]
    raw = tomllib.loads(new)
    assert raw["provision"] == {"staff_pin": "", "hostname": "k1"}
    assert raw["wifi"] == {"ssid": "net", "psk": ""}


@settings(max_examples=60, deadline=None)
@given(psk=printable, ssid=st.text(min_size=1, max_size=10).filter(
    lambda s: len(s.encode()) <= 32 and "\x00" not in s))
def test_wifi_profile_round_trips_ssid_and_passphrase(psk, ssid):
    text = network.keyfile(ssid, psk)
    assert network.read_psk(text) == psk
    assert network.read_ssid(text) == ssid
