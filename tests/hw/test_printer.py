"""Printer seam: real python-escpos bytes to a loopback TCP printer, a file and the simulator."""

from __future__ import annotations

import socket

import numpy as np
import pytest
from hw_fake_printer import LoopbackPrinter
from hw_slip_image import slip_image
from PIL import Image, ImageChops

from hw.printer import PaperState, PrinterError, width_dots
from hw.printer.escpos_printer import parse_online, parse_paper
from hw.printer.raster import BAND_HEIGHT, decode_raster, to_raster
from hw.printer.sim import SimPrinter
from hw.printer.transports import escpos_printer
from hw.status import Health


def same_pixels(a: Image.Image, b: Image.Image) -> bool:
    if a.size != b.size:
        return False
    return ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None


@pytest.fixture
def loopback():
    server = LoopbackPrinter()
    yield server
    server.close()


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_slip_through_network_transport_decodes_back_to_the_same_image(loopback, paper_mm):
    """The real Mẫu 01 slip as the kiosk renders it, over python-escpos's Network transport."""
    from appliance.config import KioskConfig
    from appliance.domain.slip import render_slip, sample_slip

    dots = width_dots(paper_mm)
    slip = render_slip(sample_slip(KioskConfig()), dots)
    printer = escpos_printer(loopback.spec, dots, network_timeout_s=5)
    printer.print_image(slip)
    printer.cut()
    printer.close()
    assert loopback.wait_connections(1)
    data = bytes(loopback.received)
    assert data.count(b"\x1dv0") == -(-slip.height // BAND_HEIGHT)  # printed in bands
    assert data.rstrip().endswith(b"\x1dV\x00")  # full cut
    assert same_pixels(decode_raster(data), slip)


def test_network_status_answers_are_read(loopback):
    loopback.answers[4] = bytes([0x12 | 0x0C])  # near-end sensor
    printer = escpos_printer(loopback.spec, 576, network_timeout_s=5)
    status = printer.status()
    printer.close()
    assert (status.paper, status.online) == (PaperState.NEAR_END, True)
    assert status.device.state is Health.DEGRADED


def test_silent_printer_is_unknown_not_ok_and_asked_only_once():
    server = LoopbackPrinter(online=None, paper=None)
    try:
        printer = escpos_printer(server.spec, 576, network_timeout_s=0.3)
        status = printer.status()
        printer.print_image(slip_image())  # prints without waiting for another status answer
        printer.print_image(slip_image())
        printer.cut()
        printer.close()
        # The unanswered query's connection is dropped (a late answer must not be read as the
        # next one); the slips go over a second connection.
        assert server.wait_connections(2)
    finally:
        server.close()
    assert status.paper is PaperState.UNKNOWN and status.online is None
    assert status.device.state is Health.UNKNOWN
    assert server.queries == [1]  # one unanswered online query; never asked again per slip
    slip = slip_image()
    twice = Image.new("1", (576, 2 * slip.height), 1)
    twice.paste(slip, (0, 0))
    twice.paste(slip, (0, slip.height))
    assert same_pixels(decode_raster(bytes(server.received)), twice)


def test_paper_out_refuses_to_print(loopback):
    loopback.answers[4] = bytes([0x12 | 0x60])
    printer = escpos_printer(loopback.spec, 576, network_timeout_s=5)
    with pytest.raises(PrinterError) as exc:
        printer.print_image(slip_image())
    printer.close()
    assert exc.value.code == "printer.paper_out"
    assert loopback.wait_connections(1)
    assert b"\x1dv0" not in loopback.received


def test_printer_reporting_offline_refuses_to_print(loopback):
    loopback.answers[1] = bytes([0x12 | 0x08])  # DLE EOT 1: offline (cover open, error)
    printer = escpos_printer(loopback.spec, 576, network_timeout_s=5)
    with pytest.raises(PrinterError) as exc:
        printer.print_image(slip_image())
    printer.close()
    assert exc.value.code == "printer.offline"
    assert loopback.wait_connections(1)
    assert b"\x1dv0" not in loopback.received


def test_unreachable_network_printer_is_offline():
    with socket.socket() as probe:  # a free port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    printer = escpos_printer(f"network:127.0.0.1:{port}", 576, network_timeout_s=1)
    assert printer.status().device.state is Health.UNKNOWN
    with pytest.raises(PrinterError) as exc:
        printer.print_image(slip_image())
    assert exc.value.code == "printer.offline"
    assert "Không kết nối được máy in" in exc.value.reason_vi


def test_file_transport_writes_bytes_and_cannot_report_paper(tmp_path):
    target = tmp_path / "lp0"
    printer = escpos_printer(f"file:{target}", 384)
    assert printer.status().paper is PaperState.UNKNOWN
    printer.print_image(slip_image(384))
    printer.cut()
    printer.close()
    assert same_pixels(decode_raster(target.read_bytes()), slip_image(384))


@pytest.mark.parametrize(
    ("answer", "paper"),
    [(b"\x12", PaperState.OK), (b"\x1e", PaperState.NEAR_END), (b"\x72", PaperState.OUT),
     (b"\x7e", PaperState.OUT), (b"", PaperState.UNKNOWN), (b"\xff", PaperState.UNKNOWN),
     (b"\x12\x12", PaperState.UNKNOWN)],
)
def test_paper_status_bits(answer, paper):
    assert parse_paper(answer) is paper


def test_online_status_bits():
    assert parse_online(b"\x12") is True
    assert parse_online(b"\x1a") is False
    assert parse_online(b"") is None


def test_raster_fits_paper_width():
    wide = Image.new("L", (1152, 100), 255)
    wide.paste(0, (0, 0, 576, 100))
    raster = to_raster(wide, 576)
    assert raster.size == (576, 50)
    arr = np.asarray(raster)
    assert not arr[:, :280].any() and arr[:, 300:].all()  # left half black, right half white
    narrow = to_raster(Image.new("L", (100, 10), 0), 384)
    assert narrow.size == (384, 10)
    assert np.asarray(narrow)[:, 142:242].sum() == 0  # centred


def test_paper_width_in_dots():
    assert (width_dots(80), width_dots(58)) == (576, 384)
    with pytest.raises(ValueError):
        width_dots(76)


def test_sim_printer_writes_bytes_png_and_pdf_of_what_is_printed(tmp_path):
    printer = SimPrinter(tmp_path, 576)
    slip = slip_image()
    printer.print_image(slip)
    printer.cut()
    png = tmp_path / "slip-0001.png"
    assert printer.jobs == [png]
    data = (tmp_path / "slip-0001.bin").read_bytes()
    with Image.open(png) as printed:
        assert same_pixels(printed, slip)
        assert same_pixels(printed, decode_raster(data))
    assert (tmp_path / "slip-0001.pdf").read_bytes().startswith(b"%PDF")
    # A second printer on the same folder never overwrites earlier slips.
    again = SimPrinter(tmp_path, 576)
    again.print_image(slip)
    again.cut()
    assert again.jobs == [tmp_path / "slip-0002.png"]


def test_sim_printer_out_of_paper_by_call_and_by_file(tmp_path):
    printer = SimPrinter(tmp_path, 576)
    printer.set_paper(PaperState.OUT)
    assert printer.status().device.code == "printer.paper_out"
    with pytest.raises(PrinterError):
        printer.print_image(slip_image())
    printer.set_paper(PaperState.OK)
    (tmp_path / "PAPER").write_text("near_end\n")
    assert printer.status().paper is PaperState.NEAR_END
    (tmp_path / "PAPER").write_text("out")
    with pytest.raises(PrinterError):
        printer.print_image(slip_image())
    (tmp_path / "PAPER").write_text("ok")
    printer.print_image(slip_image())
    printer.cut()
    assert len(printer.jobs) == 1


def test_cut_without_image_is_an_error(tmp_path):
    with pytest.raises(PrinterError):
        SimPrinter(tmp_path, 576).cut()
