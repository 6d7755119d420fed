"""``kiosk decode``: identity fields, slip codes, precise refusals, documented exit statuses."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from PIL import Image

from appliance.cli import main
from appliance.domain.codes import format_dossier_code, slip_qr_url
from hw.camera.samples import card_payloads
from hw.camera.sim import render_payload

CARD = card_payloads(1, seed=8)[0]
CODE = format_dossier_code("000.00.00.H56", "K01", dt.date(2026, 7, 1), 7)
SLIP = slip_qr_url("https://dichvucong.example.gov.vn/tra-cuu", CODE)
BHYT = "HS4010120878811|4e677579e1bb856e2056c4836e2041|01/01/1980|1|Th\u00f4n A|79024|01/01/2021|-|"


@pytest.fixture
def images(tmp_path):
    paths = {}
    for name, payload in (("card", CARD), ("slip", SLIP), ("junk", "xin chào"), ("bhyt", BHYT)):
        paths[name] = tmp_path / f"{name}.png"
        render_payload(payload).save(paths[name])
    paths["blank"] = tmp_path / "blank.png"
    Image.new("L", (200, 200), 180).save(paths["blank"])
    paths["text"] = tmp_path / "notes.txt"
    paths["text"].write_text("not an image")
    return paths


def run_json(capsys, *args):
    status = main(["decode", "--json", *map(str, args)])
    return status, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("decoder", ["zxing", "pyzbar"])
def test_card_and_slip_are_understood(images, capsys, decoder):
    status, doc = run_json(capsys, images["card"], images["slip"], "--decoder", decoder)
    assert status == 0 and doc["exit"] == 0 and doc["decoder"] == decoder
    card, slip = (f["codes"][0] for f in doc["files"])
    fields = CARD.split("|")
    assert card["kind"] == "id_card"
    assert card["identity"]["id_number"] == fields[0]
    assert card["identity"]["full_name"] == fields[2]
    assert card["identity"]["address"] == fields[5]
    assert slip == {"text": SLIP, "utf8": True, "kind": "slip", "dossier_code": CODE}


def test_refusals_are_precise_and_exit_1(images, capsys):
    status, doc = run_json(capsys, images["junk"], images["bhyt"], images["blank"])
    assert status == 1
    junk, bhyt, blank = doc["files"]
    assert junk["codes"][0]["refusal"]["code"] == "unknown_format"  # plain text, no "|"
    assert bhyt["codes"][0]["refusal"]["code"] == "health_insurance_card"
    assert "bảo hiểm y tế" in bhyt["codes"][0]["refusal"]["reason_vi"]
    assert blank["codes"] == [] and blank["error"] is None


def test_unreadable_files_exit_2(images, capsys, tmp_path):
    status, doc = run_json(capsys, images["card"], images["text"], tmp_path / "missing.png")
    assert status == 2
    assert [f["error"] and f["error"]["code"] for f in doc["files"]] == [
        None, "not_an_image", "file_not_found"]


def test_human_output(images, capsys):
    assert main(["decode", str(images["card"]), str(images["slip"])]) == 0
    out = capsys.readouterr().out
    assert "✓ thẻ căn cước" in out and f"Họ và tên: {CARD.split('|')[2]}" in out
    assert f"mã hồ sơ {CODE}" in out
    assert main(["decode", str(images["blank"])]) == 1
    assert "không thấy mã QR" in capsys.readouterr().out


def test_new_card_with_a_year_only_birth_date(tmp_path, capsys):
    """The thẻ căn cước's 11 fields: the year alone for a year-only birth date, its cancelled ID
    number kept, and its address called "nơi cư trú" (synthetic person)."""
    payload = ("001050012345||Lê Văn Cả|00001950|Nam|Thôn Đông, xã Thăng Phú, thành phố Đà Nẵng"
               "|01102024|030050001122|||")
    path = tmp_path / "new.png"
    render_payload(payload).save(path)
    status, doc = run_json(capsys, path)
    identity = doc["files"][0]["codes"][0]["identity"]
    assert status == 0
    assert identity["birth_date"] == "1950" and identity["card"] == "can_cuoc"
    assert identity["cancelled_ids"] == ["030050001122"]
    assert main(["decode", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Ngày sinh: 1950" in out and "Nơi cư trú: Thôn Đông" in out
