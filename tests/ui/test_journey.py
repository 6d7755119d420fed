"""The citizen's whole journey on the real window with simulated touches and hardware, and the
frame clock while the scanner and printer work (DESIGN §9: the UI thread never blocks)."""

from __future__ import annotations

import itertools
import time

import zxingcpp
from PIL import Image

from appliance.ui import strings as T

from .harness import Driver, walk

CARD = "001088012345||Nguyễn Thị Mẫu|15031988|Nữ|Thôn Thử, xã Mẫu, tỉnh Mẫu|01012022"


def page(seed: int) -> Image.Image:
    from hw.scanner.synthetic import page_text, render_page

    return render_page(page_text(seed, lines=14), dpi=200, seed=seed)


def start_birth_registration(ui: Driver) -> None:
    ui.at("welcome")
    ui.tap(ui.screen.ids.submit)
    ui.at("catalogue")
    ui.tap_text("Hộ tịch")
    ui.tap_text("Đăng ký khai sinh")
    ui.at("procedure")
    ui.tap(ui.nav("next"))
    ui.at("identity")


def show_card(ui: Driver, payload: str = CARD) -> None:
    ui.app.services.devices.camera.inject(payload)


def fill_form(ui: Driver) -> None:
    """The form by taps: the card's three answers are not asked again (the review shows them)."""
    from .citizen import Citizen

    form = ui.at("form")
    Citizen(ui).fill_form()
    answers = form.session.form
    assert answers["nguoi_yeu_cau_so_dinh_danh"] == "001088012345"
    assert answers["dia_chi_nhan_ket_qua"] == "Thôn Thử, xã Mẫu, tỉnh Mẫu"  # from the card
    assert answers["nhan_ket_qua"] == "Nhận qua dịch vụ bưu chính công ích"


def scan_both(ui: Driver, watch: list[list[float]] | None = None) -> None:
    scan = ui.at("scan")
    scanner = ui.app.services.devices.scanner
    for seed in (1, 2):
        scanner.feed([page(seed), page(seed + 10)])
        started = len(ui.frame_times)
        ui.tap(scan.ids.scan)
        ui.wait_until(lambda: not scan.busy, what="scan done")
        if watch is not None:
            watch.append(ui.frame_times[started:])
        assert scan.info == T.SCAN_ORIGINAL_BACK
        assert len(scan.ids.thumbs.children) == 2
        ui.tap(ui.nav("next"))
    # the third component is optional: go on without it
    ui.tap(ui.nav("next"))


def confirm(ui: Driver) -> None:
    screen = ui.at("confirm")
    for digit in screen.code:  # the fourth right digit submits
        ui.tap_text(digit)


SLOW_S = 4.0
"""A slow device: each scanned sheet takes half of this, the print job all of it (a real sheet
feeder and a USB thermal printer take seconds). Work on the UI thread would freeze it that long."""

MAX_FRAME_GAP_S = 1.5
"""Largest gap between frames allowed meanwhile. Software GL under Xvfb shares two cores with the
workers, so frames do slow down; they must not stop."""


def slow_devices(ui: Driver, monkeypatch) -> None:
    devices = ui.app.services.devices
    scan, print_image = devices.scanner.scan, devices.printer.print_image

    def slow_scan(on_page=None):
        def each(page):
            time.sleep(SLOW_S / 2)  # the simulated sheet feeder's speed, not a test wait
            on_page(page)

        return scan(on_page=each)

    def slow_print(image):
        time.sleep(SLOW_S)  # the simulated printer's speed, not a test wait
        print_image(image)

    monkeypatch.setattr(devices.scanner, "scan", slow_scan)
    monkeypatch.setattr(devices.printer, "print_image", slow_print)


def max_gap(times: list[float]) -> float:
    return max((b - a for a, b in itertools.pairwise(times)), default=0.0)


def test_whole_journey_to_a_printed_slip(ui: Driver, monkeypatch) -> None:
    start_birth_registration(ui)
    show_card(ui)
    fill_form(ui)
    slow_devices(ui, monkeypatch)
    watch: list[list[float]] = []
    t0 = time.perf_counter()
    with ui.sync_paused():
        scan_both(ui, watch)
    scan_elapsed = time.perf_counter() - t0
    review = ui.at("review")
    text = " ".join(w.text for row in review._widgets for w in walk(row) if hasattr(w, "text"))
    assert "Trần Minh Khang" in text and "Nguyễn Thị Mẫu" in text and "2 trang" in text
    assert f"[b]{T.FEE}:[/b] Miễn lệ phí" in text  # on time, not exempt: the quote
    ui.tap(ui.nav("next"))
    printer = ui.app.services.devices.printer
    jobs_before = len(printer.jobs)
    print_started = len(ui.frame_times)
    t1 = time.perf_counter()
    with ui.sync_paused():
        confirm(ui)
        success = ui.at("success")
        ui.wait_until(lambda: success.print_state == "printed", what="slip printed")
    print_frames = ui.frame_times[print_started:]
    print_elapsed = time.perf_counter() - t1
    code = success.code
    assert code.startswith("000.00.00.H56-")

    # the stored dossier: in the queue, two components, nothing personal in clear
    store = ui.app.services.store
    record = store.find_by_code(code)
    assert record is not None and record.procedure_code == "1.001193"
    assert str(record.state) in ("queued", "sending", "sent", "purged")
    assert record.page_count == 2  # one PDF per component, four scanned pages inside

    # the sync daemon delivers it: the gateway decrypts the citizen's form and both components
    arrived = ui.wait_until(lambda: next((d for d in ui.gateway.dossiers()
                                          if d["dossier_code"] == code and d["complete"]), None),
                            30, "the dossier at the gateway")
    assert {f["component"] for f in arrived["files"]} == {"TO_KHAI", "GIAY_CHUNG_SINH"}
    summary = arrived["summary"]
    assert summary["ChuHoSo"] == "Nguyễn Thị Mẫu" and summary["NguonDinhDanh"] == "card_qr"
    assert summary["MaTTHC"] == "1.001193" and summary["HoSoCoThanhPhanSoHoa"] == "1"
    ui.wait_until(lambda: str(store.find_by_code(code).state) in ("sent", "purged"), 30, "sent")

    # the slip the simulated printer produced
    assert len(printer.jobs) == jobs_before + 1
    with Image.open(printer.jobs[-1]) as slip:
        assert slip.width == printer.width_dots and slip.height > slip.width
        symbols = {str(r.format).replace(" ", ""): r.text
                   for r in zxingcpp.read_barcodes(slip.convert("L"))}
    assert symbols["Code128"] == code  # beside the QR, for the officer's scanner (issue 14)
    assert symbols["QRCode"].endswith(f"?ma={code}")
    assert printer.jobs[-1].with_suffix(".bin").stat().st_size > 1000

    # the UI thread kept drawing frames while pages were scanned and the slip printed
    scan_gap = max(max_gap(frames) for frames in watch)
    assert scan_elapsed > 2 * SLOW_S and scan_gap < MAX_FRAME_GAP_S, (scan_gap, scan_elapsed)
    print_gap = max_gap(print_frames)
    assert print_elapsed > SLOW_S and print_gap < MAX_FRAME_GAP_S, (print_gap, print_elapsed)

    ui.tap(success.ids.finish)
    ui.at("welcome")
    assert not ui.app.session.active


def test_scan_checklist_shows_every_paper_and_goes_to_the_one_tapped(ui: Driver) -> None:
    start_birth_registration(ui)
    show_card(ui)
    fill_form(ui)
    scan = ui.at("scan")
    chips = scan.ids.chips
    assert [m.text for m in reversed(chips.children)] == ["1", "2", "3"]
    scan.services.devices.scanner.feed([page(3), page(4)])
    ui.tap(scan.ids.scan)
    ui.wait_until(lambda: not scan.busy, what="scan done")
    marks = list(reversed(chips.children))
    assert marks[0].text == f"1 {T.SCAN_DONE.lower()}" and marks[0].kind == "current"
    ui.tap(marks[2])  # straight to the optional third paper
    assert scan.index == 2 and scan.pages == 0
    marks = list(reversed(chips.children))
    assert [m.kind for m in marks] == ["done", "secondary", "current"]
    ui.tap(marks[0])  # back to the first: its two pages are still there; delete one
    assert scan.index == 0 and len(scan.ids.thumbs.children) == 2
    ui.tap(ui.button(T.SCAN_DELETE))
    assert scan.pages == 1 and scan.session.page_count(scan.current().code) == 1
    ui.tap(ui.button(T.SCAN_RETAKE))  # "Quét lại" with an empty feeder: nothing is lost
    ui.wait_until(lambda: not scan.busy, what="retake finished")
    assert "giấy" in scan.message and scan.pages == 1
    scan.services.devices.scanner.feed([page(5), page(6)])
    ui.tap(ui.button(T.SCAN_RETAKE))  # with paper: the new pages replace the old one
    ui.wait_until(lambda: not scan.busy, what="retake finished")
    assert scan.pages == 2 and not scan.message
    assert next(reversed(chips.children)).text == f"1 {T.SCAN_DONE.lower()}"
