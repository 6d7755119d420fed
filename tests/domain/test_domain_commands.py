"""``kiosk due-date`` and ``kiosk slip`` through the real entry point."""

from __future__ import annotations

import json

from PIL import Image

from appliance import exitcodes
from appliance.cli import main
from hw.pdf import images_to_pdf


def test_due_date_json(capsys):
    rc = main(["due-date", "--procedure", "1.004873", "--received", "2026-02-13 16:00", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == exitcodes.OK
    assert out["due"] == "2026-02-25T17:00"  # whole working days, the default
    assert out["due_vi"] == "17 giờ 00 phút, ngày 25/02/2026"
    assert out["due_portal"] == "20260225170000"
    assert out["provisional"] is False and out["unconfirmed_days"] == []
    assert out["time_limit"]["unit"] == "working_days"
    assert any("Tết Nguyên đán Bính Ngọ" in s for s in out["steps"])


def test_due_date_human(capsys):
    rc = main(["due-date", "--procedure", "1.001193", "--received", "2025-04-25 15:30"])
    out = capsys.readouterr().out
    assert rc == exitcodes.OK
    assert "Thời gian trả kết quả: 17 giờ 00 phút, ngày 26/04/2025" in out
    assert "cut-off 15:00" in out


def test_due_date_uses_office_hours_from_config(tmp_path, capsys):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[calendar]\noffice_hours = ["07:30-11:30", "13:00-16:30"]\n', encoding="utf-8")
    rc = main(
        [
            "--config",
            str(cfg),
            "due-date",
            "--procedure",
            "1.001193",
            "--received",
            "2026-11-30 10:00",
            "--json",
        ]
    )
    assert rc == exitcodes.OK
    assert json.loads(capsys.readouterr().out)["due"] == "2026-11-30T16:30"


def test_due_date_working_hours_from_config(tmp_path, capsys):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[calendar]\nworking_day_count = "working_hours"\n', encoding="utf-8")
    args = ["--config", str(cfg), "due-date", "--procedure", "1.004873",
            "--received", "2026-02-13 16:00", "--json"]
    assert main(args) == exitcodes.OK
    assert json.loads(capsys.readouterr().out)["due"] == "2026-02-25T16:00"


def test_due_date_shows_unconfirmed_days_and_provisional_years(capsys):
    args = ["due-date", "--procedure", "1.004873", "--received", "2026-11-23 10:00"]
    assert main([*args, "--json"]) == exitcodes.OK
    out = json.loads(capsys.readouterr().out)
    assert [d["date"] for d in out["unconfirmed_days"]] == ["2026-11-24"]
    assert out["unconfirmed_days"][0]["confidence"] == "reported"
    assert "28/2026/QH16" in out["unconfirmed_days"][0]["source"]
    assert main(args) == exitcodes.OK
    text = capsys.readouterr().out
    assert "Unconfirmed day (reported): 24/11/2026 holiday Ngày Văn hóa Việt Nam" in text
    assert "PROVISIONAL" not in text

    args = ["due-date", "--procedure", "1.004873", "--received", "2026-12-30 10:00"]
    assert main([*args, "--json"]) == exitcodes.OK
    out = json.loads(capsys.readouterr().out)
    assert out["provisional"] is True and out["unknown_years"] == [2027]
    assert main(args) == exitcodes.OK
    assert "PROVISIONAL (tạm tính): no announced calendar for 2027 yet" in capsys.readouterr().out


def test_due_date_catalogue_file(tmp_path, capsys):
    from appliance.domain.catalogue import default_catalogue

    data = default_catalogue().to_dict()
    data["procedures"][0]["time_limit"] = {"unit": "none", "value": 0, "text": "Không quy định."}
    path = tmp_path / "cat.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    rc = main(
        [
            "due-date",
            "--procedure",
            "1.001193",
            "--received",
            "2026-11-30 10:00",
            "--catalogue",
            str(path),
            "--json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert rc == exitcodes.OK
    assert out["due"] is None and out["due_vi"] == "Không có ngày hẹn trả cụ thể theo quy định"


def test_due_date_usage_errors(capsys, tmp_path):
    assert main(["due-date", "--procedure", "9.999", "--received", "2026-11-30 10:00"]) == 2
    assert "unknown code '9.999'" in capsys.readouterr().err
    assert main(["due-date", "--procedure", "1.001193", "--received", "30/11/2026"]) == 2
    assert "expected 'YYYY-MM-DD HH:MM'" in capsys.readouterr().err
    bad = tmp_path / "cat.json"
    bad.write_text('{"version": "1", "procedures": []}', encoding="utf-8")
    assert main(["due-date", "--procedure", "1.001193", "--catalogue", str(bad)]) == 2
    assert "procedures: must not be empty" in capsys.readouterr().err


def test_due_date_bad_overrides_file_is_a_usage_error(tmp_path, capsys):
    extra = tmp_path / "extra.toml"
    extra.write_text('[[override]]\ndate = 2026-12-07\nkind = "party"\n', encoding="utf-8")
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[calendar]\noverrides_file = "{extra}"\n', encoding="utf-8")
    rc = main(
        [
            "--config",
            str(cfg),
            "due-date",
            "--procedure",
            "1.001193",
            "--received",
            "2026-11-30T10:00",
        ]
    )
    assert rc == exitcodes.USAGE
    assert "override[0]: kind" in capsys.readouterr().err


def test_slip_sample_png_and_pdf(tmp_path, capsys):
    png, pdf = tmp_path / "s.png", tmp_path / "s.pdf"
    rc = main(["slip", "--sample", "--out", str(png), "--pdf", str(pdf), "--width", "58", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == exitcodes.OK
    assert out["width_dots"] == 384 and out["png"] == str(png)
    with Image.open(png) as img:
        assert img.mode == "1" and img.width == 384
    # written by the one PDF writer (hw.pdf), from the very raster of the PNG
    with Image.open(png) as img:
        assert pdf.read_bytes() == images_to_pdf([img.copy()])


def test_slip_width_from_config_and_errors(tmp_path, capsys):
    png = tmp_path / "s.png"
    assert main(["slip", "--sample", "--out", str(png)]) == exitcodes.OK
    with Image.open(png) as img:
        assert img.width == 576
    capsys.readouterr()
    assert main(["slip", "--sample"]) == exitcodes.USAGE
    assert main(["slip", "--sample", "--out", str(tmp_path / "no" / "s.png")]) == exitcodes.FAILURE
    assert "cannot write" in capsys.readouterr().err
