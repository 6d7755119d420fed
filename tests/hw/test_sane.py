"""SANE backend against a fake scanimage reproducing its real output and error messages."""

from __future__ import annotations

import pytest
from PIL import Image

from hw.scanner import ScannedPage, ScannerError
from hw.scanner.sane import SaneScanner
from hw.status import Health

DEVICE = "epjitsu:libusb:001:004"


@pytest.fixture
def feeder(tmp_path, monkeypatch):
    folder = tmp_path / "feeder"
    folder.mkdir()
    monkeypatch.setenv("FAKE_SANE_PAGES", str(folder))
    monkeypatch.setenv("FAKE_SANE_DEVICE", DEVICE)

    def load(count: int) -> list[int]:
        shades = [40 + 50 * i for i in range(count)]
        for i, shade in enumerate(shades):
            Image.new("L", (200, 280), shade).save(folder / f"sheet{i}.pnm")
        return shades

    return load


def scanner(fake_bin, device=DEVICE):
    return SaneScanner(device, scanimage=str(fake_bin / "scanimage"))


def test_scans_until_feeder_is_empty_with_a_callback_per_page(feeder, fake_bin):
    shades = feeder(3)
    seen = []
    pages = scanner(fake_bin).scan(on_page=lambda p: seen.append(p.index))
    assert seen == [0, 1, 2]
    assert [p.image.getpixel((5, 5)) for p in pages] == shades
    assert all(p.dpi == 300 for p in pages)


def test_empty_feeder_is_no_paper(feeder, fake_bin):
    feeder(0)
    with pytest.raises(ScannerError) as exc:
        scanner(fake_bin).scan()
    assert exc.value.code == "scanner.no_paper"
    assert "đặt giấy" in exc.value.reason_vi


def test_jam_is_reported(feeder, fake_bin, monkeypatch):
    feeder(3)
    monkeypatch.setenv("FAKE_SANE_JAM_AFTER", "1")
    with pytest.raises(ScannerError) as exc:
        scanner(fake_bin).scan()
    assert exc.value.code == "scanner.jam"
    assert "Document feeder jammed" in exc.value.reason_en


def test_flatbed_scans_one_page(feeder, fake_bin, monkeypatch):
    feeder(2)
    monkeypatch.setenv("FAKE_SANE_SOURCES", "Flatbed")
    device = scanner(fake_bin)
    assert device.adf_source() is None
    assert len(device.scan()) == 1


def test_status_and_unplugged_device(feeder, fake_bin, monkeypatch):
    assert scanner(fake_bin).status().state is Health.OK
    monkeypatch.setenv("FAKE_SANE_DEVICE", "")
    status = scanner(fake_bin).status()
    assert status.state is Health.FAILED and status.code == "scanner.offline"
    with pytest.raises(ScannerError) as exc:
        scanner(fake_bin).scan()
    assert exc.value.code == "scanner.offline"


def test_wedged_scanner_is_stopped_and_reported(feeder, fake_bin, monkeypatch):
    feeder(2)
    monkeypatch.setenv("FAKE_SANE_HANG", "1")
    device = SaneScanner(DEVICE, scanimage=str(fake_bin / "scanimage"), timeout_s=1.5)
    seen: list[ScannedPage] = []
    with pytest.raises(ScannerError) as exc:
        device.scan(on_page=seen.append)
    assert exc.value.code == "scanner.no_answer"
    assert len(seen) == 1  # the page that arrived before the scanner wedged was delivered
