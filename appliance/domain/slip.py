"""The appointment slip: Mẫu 01 "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" (reference §4).

:class:`SlipData` is the content; :func:`slip_lines` lays it out as text; :func:`render_slip`
draws it as a 1-bit raster for thermal paper (576 dots at 80 mm, 384 at 58 mm) with Pillow and a
font covering every Vietnamese letter (DejaVu Sans), because printer code pages cannot print
Vietnamese reliably (DESIGN §8). The simulated printer keeps the same raster as PNG, and
``hw.pdf`` (the one PDF writer) wraps it as a PDF.

A slip reprinted from the store has no personal data (the payload is sealed and the kiosk cannot
read it back): the citizen fields are None and the slip says so instead of printing blanks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from appliance.domain.calendar import DueDate, format_vn_date_long, format_vn_datetime, to_local
from appliance.domain.codes import parse_dossier_code, slip_qr_url
from kioskbase.fonts import find_font

if TYPE_CHECKING:
    from PIL import Image, ImageFont

    from appliance.domain.catalogue import Procedure
    from appliance.domain.identity import Identity

WIDTHS = {80: 576, 58: 384}
"""Paper width in mm → printable dots at 203 dpi."""
DPI = 203.2
TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SEALED_VI = "Bản in lại: thông tin cá nhân đã được niêm phong nên không in lại."
CLOCK_UNTRUSTED_VI = "Cán bộ sẽ thông báo sau (đồng hồ của máy chưa được xác nhận)"
COPY_LABEL_VI = "Liên 1: Giao người nộp hồ sơ"
"""Mẫu 01 is made in copies; the kiosk prints the submitter's (the unit keeps the record)."""
BRING_ID_VI = "Lưu ý: mang theo CCCD (thẻ căn cước) và giấy này khi nhận kết quả."
KEEP_TOGETHER = ("HỒ SƠ", "Hồ sơ", "hồ sơ")
"""Words never split across lines: "HỒ" alone at a line's end reads as another word."""
NBSP = "\u00a0"

@dataclass(frozen=True)
class SlipComponent:
    name: str
    paper: str
    """How the slip names it: "Bản chính", "Bản sao" …"""
    quantity: int = 1
    pages: int | None = None
    """Pages scanned at the kiosk, when known."""


@dataclass(frozen=True)
class SlipData:
    dossier_code: str
    procedure_code: str
    procedure_name: str
    time_limit_text: str
    """The procedure's official time limit wording (item 3)."""
    components: tuple[SlipComponent, ...]
    received: dt.datetime
    due: DueDate
    receiving_unit: str
    parent_body: str
    place: str
    lookup_url: str
    kiosk_id: str
    site: str
    citizen_name: str | None = None
    citizen_address: str | None = None
    citizen_phone: str | None = None
    citizen_email: str | None = None
    result_place: str | None = None
    """Where the result is collected (item 6); None means the receiving unit."""
    sets: int = 1
    """Số lượng hồ sơ (bộ)."""
    clock_trusted: bool = True
    """False: the kiosk cannot stand behind its clock, so no times are printed (DESIGN §4)."""
    gateway_code: str | None = None
    """The gateway's MaHoSo, once the receipt has arrived (printed on reprints)."""
    register_no: int | None = None
    """Per-year register number ("Số: …/TNHS", "Số thứ tự"); None for dossiers from before it
    existed, whose slips printed the code's per-day number."""
    owner_id_masked: str | None = None
    """The dossier owner's ID number, partly masked (:func:`mask_id`)."""
    submitter_name: str | None = None
    """Who handed the dossier in, when not the owner (nộp thay); None when the owner did."""
    fee_text: str | None = None
    """The procedure's fee wording (phí, lệ phí)."""
    fee_amount: int | None = None
    """VND when known; 0 = nothing to pay."""
    fee_paid: bool = False
    """The kiosk takes no money: a fee is paid at the unit unless the gateway says it was."""
    result_delivery: str | None = None
    """How the result is received, in Vietnamese (catalogue helper fills it)."""
    hotline: str | None = None
    """The unit's hotline from ``[kiosk] hotline``."""
    tracking_code: str | None = None
    """Short tracking code "ABCD-2345", printed large beside the QR's lines."""
    official_due: dt.date | None = None
    """The province's NgayHenTra, once it answered (reprints)."""
    official_code: str | None = None
    """The province's official MaHoSo, once it answered (reprints)."""
    copy_label: str = COPY_LABEL_VI

    @property
    def qr_text(self) -> str:
        return slip_qr_url(self.lookup_url, self.dossier_code)

    @property
    def has_personal_data(self) -> bool:
        return self.citizen_name is not None


# --- content -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One logical line of the slip before wrapping."""

    text: str
    style: str = "body"
    """body | bold | small | italic | title | code"""
    align: str = "left"
    """left | center"""
    indent: str = ""
    """Prefix whose width indents continuation lines (hanging indent for numbered items)."""


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def slip_lines(data: SlipData) -> tuple[list[Line], list[Line]]:
    """The slip's text as (lines above the QR, lines below it), in print order."""
    number = register_number(data)
    day = to_local(data.received).date()
    top = [*_heading(data, number, day), *_citizen(data), *_contents(data),
           *_times(data, number, day)]
    bottom = [
        *([Line("Mã tra cứu:", "tracking_label", "center"),
           Line(data.tracking_code, "tracking", "center")] if data.tracking_code else []),
        Line("Quét mã QR để tra cứu tiến độ hồ sơ", "small", "center"),
        Line(data.qr_text, "url", "center"),
        Line(f"Máy tiếp nhận {data.kiosk_id} — {data.site}", "small", "center"),
        *([Line(f"Đường dây nóng: {data.hotline}", "bold", "center")] if data.hotline else []),
    ]
    return [dataclasses.replace(ln, text=_nfc(ln.text)) for ln in top], [
        dataclasses.replace(ln, text=_nfc(ln.text)) for ln in bottom
    ]


def register_number(data: SlipData) -> str:
    """The number of "Số: …/TNHS" and the register line: the per-year register number; a slip of
    a dossier from before it existed keeps the per-day number its original showed."""
    if data.register_no is not None:
        return str(data.register_no)
    code = parse_dossier_code(data.dossier_code)
    return f"{code.seq:04d}" if code else data.dossier_code


def mask_id(id_number: str) -> str:
    """An ID number with all but its first 3 (province) and last 3 digits hidden: enough for the
    citizen and the officer to recognise it, not enough to copy it off a lost slip."""
    if len(id_number) <= 6:
        return "*" * len(id_number)
    return id_number[:3] + "*" * (len(id_number) - 6) + id_number[-3:]


def _heading(data: SlipData, number: str, day: dt.date) -> list[Line]:
    """Copy label, issuing body, number, national motto, place and date, title and the code."""
    lines = [
        Line(f"({data.copy_label})" if data.copy_label else "", "italic", "center"),
        Line(data.parent_body.upper(), "bold", "center"),
        Line(data.receiving_unit.upper(), "bold", "center"),
        Line(f"Số: {number}/TNHS", "body", "center"),
        Line("-", "rule"),
        Line(NATION, "bold", "center"),
        Line(MOTTO, "bold", "center"),
        Line(
            f"{data.place}, {format_vn_date_long(day)}" if data.clock_trusted else data.place,
            "italic",
            "center",
        ),
        Line("", "gap"),
        Line(TITLE, "title", "center"),
        Line("Mã hồ sơ:", "bold", "center"),
        Line(data.dossier_code, "code", "center"),
    ]
    official = data.official_code or data.gateway_code
    if official:
        lines.append(Line(f"Mã hồ sơ trên cổng dịch vụ công: {official}", "small", "center"))
    return [ln for ln in lines if ln.text or ln.style == "gap"] + [Line("", "gap")]


def _citizen(data: SlipData) -> list[Line]:
    """Whose dossier and who handed it in; a reprint says the personal data are sealed."""
    lines = [Line(f"{data.receiving_unit} tiếp nhận hồ sơ của:")]
    if not data.has_personal_data:
        return [*lines, Line(SEALED_VI, "italic")]
    owner = "Chủ hồ sơ" if data.submitter_name else "Ông/Bà"
    lines.append(Line(f"{owner}: {data.citizen_name}", "bold"))
    if data.owner_id_masked:
        lines.append(Line(f"Số định danh cá nhân: {data.owner_id_masked}"))
    if data.submitter_name:
        lines.append(Line(f"Người nộp thay: {data.submitter_name}", "bold"))
    for label, value in (
        ("Địa chỉ", data.citizen_address),
        ("Số điện thoại", data.citizen_phone),
        ("Email", data.citizen_email),
    ):
        if value:
            lines.append(Line(f"{label}: {value}"))
    return lines


def _contents(data: SlipData) -> list[Line]:
    """The request and items 1–2: the components handed in and the number of sets."""
    lines = [
        Line(f"Nội dung yêu cầu giải quyết: {data.procedure_name}"),
        Line("1. Thành phần hồ sơ nộp gồm:", "bold"),
    ]
    for i, c in enumerate(data.components, 1):
        extra = [c.paper]
        if c.quantity > 1:
            extra.append(f"{c.quantity:02d} bản")
        if c.pages:
            extra.append(f"{c.pages} trang")
        prefix = f"{i}) "
        lines.append(Line(f"{prefix}{c.name} ({'; '.join(extra)})", indent=prefix))
    return [*lines, Line(f"2. Số lượng hồ sơ: {data.sets:02d} bộ", "bold")]


def fee_status_vi(data: SlipData) -> str | None:
    """Whether the fee is paid, in the citizen's words (None when the slip has no fee wording)."""
    if data.fee_text is None:
        return None
    if data.fee_amount == 0:
        return "Không phải nộp"
    if data.fee_paid:
        return "Đã nộp"
    amount = f" ({format_vnd(data.fee_amount)})" if data.fee_amount else ""
    return f"Chưa nộp{amount}; nộp tại bộ phận một cửa theo hướng dẫn của cán bộ"


def format_vnd(amount: int | None) -> str:
    """15000 → "15.000 đồng" (Vietnamese groups thousands with dots)."""
    return f"{amount or 0:,} đồng".replace(",", ".")


def _official(data: SlipData) -> list[Line]:
    """The province's date on a reprint after it answered, and whether it moved."""
    if data.official_due is None:
        return []
    text = f"Ngày hẹn trả chính thức: ngày {data.official_due:%d/%m/%Y}"
    printed = data.due.when.date() if data.due.when is not None else None
    moved = [] if printed in (None, data.official_due) else [
        Line("Ngày hẹn trả chính thức khác ngày in lúc nộp; theo ngày chính thức.", "small")]
    return [Line(text, "bold"), *moved]


def _times(data: SlipData, number: str, day: dt.date) -> list[Line]:
    """Items 3–7 (time limit, received, due, where and how to collect, fee), the register entry,
    the reminders and signatures."""
    received = format_vn_datetime(data.received) if data.clock_trusted else CLOCK_UNTRUSTED_VI
    due = data.due.text_vi if data.clock_trusted else CLOCK_UNTRUSTED_VI
    book = f"Quyển số: {data.kiosk_id}/{day.year}, Số thứ tự: {number}"
    provisional = [Line(provisional_vi(data.due.unknown_years), "small")] if (
        data.clock_trusted and data.due.provisional) else []
    delivery = [Line(f"Hình thức nhận kết quả: {data.result_delivery}", indent="   ")] if (
        data.result_delivery) else []
    status = fee_status_vi(data)
    fee = [Line(f"7. Phí, lệ phí: {data.fee_text}", indent="7. "),
           Line(f"Tình trạng nộp phí: {status}", "bold", indent="   ")] if status else []
    return [
        Line(f"3. Thời gian giải quyết hồ sơ theo quy định: {data.time_limit_text}", indent="3. "),
        Line(f"4. Thời gian nhận hồ sơ: {received}", indent="4. "),
        Line(f"5. Thời gian trả kết quả: {due}", "bold", indent="5. "),
        *provisional,
        *_official(data),
        Line(f"6. Đăng ký nhận kết quả tại: {data.result_place or data.receiving_unit}",
             indent="6. "),
        *delivery,
        *fee,
        Line(f"Vào Sổ theo dõi hồ sơ, {book}", "small"),
        Line(BRING_ID_VI, "bold"),
        Line("-", "rule"),
        Line("SIGNATURES", "signatures"),
        Line("-", "rule"),
    ]


def provisional_vi(years: tuple[int, ...]) -> str:
    """Said under a due date that reaches a year whose days off are not announced yet."""
    return (f"Ngày hẹn trả là tạm tính: lịch nghỉ lễ năm {', '.join(str(y) for y in years)} "
            "chưa được công bố.")


SIGNATURE_LEFT = ("NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)")
SIGNATURE_RIGHT = ("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Tiếp nhận tự động tại máy)")


def slip_text(data: SlipData) -> str:
    """Plain text of the slip (logs of the simulated printer, tests)."""
    top, bottom = slip_lines(data)
    out = []
    for ln in top + bottom:
        if ln.style == "signatures":
            out.append(f"{SIGNATURE_LEFT[0]} | {SIGNATURE_RIGHT[0]}")
            out.append(f"{SIGNATURE_LEFT[1]} | {SIGNATURE_RIGHT[1]}")
        elif ln.style == "rule":
            out.append("-" * 32)
        else:
            out.append(ln.text)
    return "\n".join(out)


# --- fonts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Style:
    file: str
    size_80: int
    size_58: int


STYLES = {
    "body": _Style("DejaVuSans.ttf", 24, 20),
    "small": _Style("DejaVuSans.ttf", 20, 17),
    "bold": _Style("DejaVuSans-Bold.ttf", 24, 20),
    "italic": _Style("DejaVuSans-Oblique.ttf", 22, 19),
    "title": _Style("DejaVuSans-Bold.ttf", 30, 24),
    "code": _Style("DejaVuSansCondensed-Bold.ttf", 28, 24),
    "tracking": _Style("DejaVuSans-Bold.ttf", 44, 36),
    "tracking_label": _Style("DejaVuSans.ttf", 20, 17),
    "url": _Style("DejaVuSans.ttf", 20, 17),
}
"""Type sizes in dots. Body text at 24 dots has capitals about 2.2 mm tall on 203 dpi paper,
the size of a receipt printer's own font A (12×24)."""


@lru_cache(maxsize=32)
def _font(style: str, width_dots: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    s = STYLES[style]
    size = s.size_80 if width_dots >= WIDTHS[80] else s.size_58
    # BASIC layout: NFC text needs no shaping (every Vietnamese letter is one precomposed glyph),
    # and it measures text several times faster than raqm.
    path = str(find_font(s.file, "DejaVuSans.ttf"))  # Kivy ships only the regular face
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)


def _fit(font: ImageFont.FreeTypeFont, text: str, width: int) -> ImageFont.FreeTypeFont:
    size = font.size
    while size > 12 and font.getlength(text) > width:
        size -= 1
        font = font.font_variant(size=size)
    return font


# --- rendering -----------------------------------------------------------------------------------


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int, indent: str = "") -> list[str]:
    """Break ``text`` into lines no wider than ``width`` px; words longer than a line (URLs,
    codes) are cut between characters. Continuation lines start with spaces as wide as
    ``indent``."""
    pad = ""
    if indent:
        while font.getlength(pad + " ") <= font.getlength(indent):
            pad += " "
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else (pad + word if lines else word)
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current.strip():
            lines.append(current)
            current = pad + word
        else:
            current = candidate
        while font.getlength(current) > width:
            cut = len(current)
            while cut > 1 and font.getlength(current[:cut]) > width:
                cut -= 1
            lines.append(current[:cut])
            current = pad + current[cut:]
    if current.strip() or not lines:
        lines.append(current)
    return lines


def _qr_image(text: str, target: int) -> Image.Image:
    import segno
    from PIL import Image

    qr = segno.make(text, error="m", micro=False)
    matrix = qr.matrix
    n = len(matrix)
    border = 4
    scale = max(4, target // (n + 2 * border))
    img = Image.new("1", (n + 2 * border, n + 2 * border), 1)
    px = img.load()
    assert px is not None  # None only for an image whose file failed to load
    for y, row in enumerate(matrix):
        for x, v in enumerate(row):
            if v:
                px[x + border, y + border] = 0
    return img.resize((img.width * scale, img.height * scale), Image.Resampling.NEAREST)


def _keep_together(text: str) -> str:
    for words in KEEP_TOGETHER:
        text = text.replace(words, words.replace(" ", NBSP))
    return text


def _url_lines(text: str, font: ImageFont.FreeTypeFont, width: int
               ) -> list[tuple[str, ImageFont.FreeTypeFont]]:
    """The lookup URL: the address may be cut anywhere, its query (``?ma=<code>``) never — it
    goes whole on the last line, on a line of its own, or smaller when even that is too wide."""
    head, sep, query = text.partition("?")
    if not sep:
        return [(ln, font) for ln in wrap(text, font, width)]
    lines = [(ln, font) for ln in wrap(head, font, width)]
    query = sep + query
    if font.getlength(lines[-1][0] + query) <= width:
        return [*lines[:-1], (lines[-1][0] + query, font)]
    return [*lines, (query, _fit(font, query, width))]


def _text_ops(ln: Line, width_dots: int, inner: int) -> list[tuple[str, Any, int]]:
    """Drawing operations (kind, payload, height) for one logical line."""
    if ln.style == "gap":
        return [("gap", None, 10)]
    if ln.style == "rule":
        return [("rule", None, 14)]
    if ln.style == "signatures":
        return [("sign", None, _signature_height(width_dots, inner))]
    font = _font(ln.style, width_dots)
    if ln.style == "url":
        parts = _url_lines(ln.text, font, inner)
    else:
        if ln.style in ("code", "tracking"):  # one line: shrink rather than wrap
            font = _fit(font, ln.text, inner)
        parts = [(t.replace(NBSP, " "), font)
                 for t in wrap(_keep_together(ln.text), font, inner, ln.indent)]
    return [("text", (t, f, ln.align), int(f.size * 1.3)) for t, f in parts]


def render_slip(data: SlipData, width_dots: int = WIDTHS[80]) -> Image.Image:
    """The slip as a 1-bit image ``width_dots`` wide (576 for 80 mm paper, 384 for 58 mm)."""
    from PIL import Image, ImageDraw

    if width_dots not in WIDTHS.values():
        raise ValueError(f"width_dots must be one of {sorted(WIDTHS.values())}")
    margin = 8 if width_dots >= WIDTHS[80] else 4
    inner = width_dots - 2 * margin
    top, bottom = slip_lines(data)
    ops: list[tuple[str, Any, int]] = []  # (kind, payload, height)
    for ln in top:
        ops += _text_ops(ln, width_dots, inner)
    beside = [ln for ln in bottom if ln.style.startswith("tracking")]
    codes = _qr_and_barcode(data, width_dots, beside)
    ops.append(("image", codes, codes.height))
    for ln in bottom:
        if ln not in beside:
            ops += _text_ops(ln, width_dots, inner)
    ops.append(("gap", None, 24))

    height = sum(h for _, _, h in ops) + margin
    img = Image.new("L", (width_dots, height), 255)
    draw = ImageDraw.Draw(img)
    y = margin
    for kind, payload, h in ops:
        if kind == "text":
            text, font, align = payload
            x = margin + int(inner - font.getlength(text)) // 2 if align == "center" else margin
            draw.text((x, y), text, font=font, fill=0)
        elif kind == "rule":
            draw.line((margin, y + h // 2, width_dots - margin, y + h // 2), fill=0, width=2)
        elif kind == "image":
            img.paste(payload.convert("L"), ((width_dots - payload.width) // 2, y))
        elif kind == "sign":
            _draw_signatures(draw, width_dots, margin, inner, y)
        y += h
    slip = img.point(lambda v: 0 if v < 128 else 255).convert("1", dither=Image.Dither.NONE)
    slip.info["dpi"] = (DPI, DPI)  # so hw.pdf sizes the page as the paper (72 or 48 mm)
    return slip


BARCODE_MODULE = 2
"""Dots per Code128 module: 0.25 mm, what receipt scanners read reliably (1 dot smears)."""
BARCODE_QUIET = 10
"""Quiet zone in modules at each end (Code128 needs at least 10)."""


def barcode_modules(text: str) -> str:
    """The Code128 modules of ``text`` ("1" bar, "0" space), from python-barcode (which picks
    the shortest code sets, e.g. C for runs of digits)."""
    from barcode import Code128

    modules: str = Code128(text).build()[0]
    return modules


def _barcode_image(text: str, bar_length: int) -> Image.Image:
    """A Code128 of ``text`` standing upright (read top to bottom), ``bar_length`` dots wide:
    a 30-character code needs ~330 modules, more than 58 mm paper holds side by side at a
    readable module width, so the symbol runs down the paper beside the QR."""
    from PIL import Image, ImageDraw

    modules = "0" * BARCODE_QUIET + barcode_modules(text) + "0" * BARCODE_QUIET
    img = Image.new("1", (bar_length, len(modules) * BARCODE_MODULE), 1)
    draw = ImageDraw.Draw(img)
    for i, m in enumerate(modules):
        if m == "1":
            y = i * BARCODE_MODULE
            draw.rectangle((0, y, bar_length - 1, y + BARCODE_MODULE - 1), fill=0)
    return img


def _qr_and_barcode(data: SlipData, width_dots: int, under_qr: list[Line]) -> Image.Image:
    """The QR (lookup page) with ``under_qr`` (the tracking code, large) below it, and the
    upright Code128 of the dossier code beside them."""
    from PIL import Image, ImageDraw

    wide = width_dots >= WIDTHS[80]
    qr = _qr_image(data.qr_text, int(width_dots * (0.5 if wide else 0.6)))
    bars = _barcode_image(data.dossier_code, 120 if wide else 88)
    gap = 32 if wide else 12
    col = max(qr.width, width_dots - 16 - gap - bars.width)
    texts = []
    for ln in under_qr:
        font = _fit(_font(ln.style, width_dots), ln.text, col)
        texts.append((ln.text, font, int(font.size * 1.3)))
    left_h = qr.height + sum(h for _, _, h in texts)
    row = Image.new("1", (col + gap + bars.width, max(left_h, bars.height)), 1)
    row.paste(qr, ((col - qr.width) // 2, 0))
    draw = ImageDraw.Draw(row)
    y = qr.height
    for text, font, h in texts:
        draw.text(((col - int(font.getlength(text))) // 2, y), text, font=font, fill=0)
        y += h
    row.paste(bars, (col + gap, 0))
    return row


def _signature_columns(
    width_dots: int, inner: int
) -> list[list[tuple[str, ImageFont.FreeTypeFont]]]:
    col = inner // 2 - 4
    cols = []
    for title, note in (SIGNATURE_LEFT, SIGNATURE_RIGHT):
        bold, small = _font("bold", width_dots), _font("small", width_dots)
        lines = [(t.replace(NBSP, " "), bold) for t in wrap(_keep_together(title), bold, col)] + [
            (t, small) for t in wrap(note, small, col)
        ]
        cols.append(lines)
    return cols


def _signature_height(width_dots: int, inner: int) -> int:
    cols = _signature_columns(width_dots, inner)
    return max(sum(int(f.size * 1.3) for _, f in c) for c in cols) + 60  # room to sign


def _draw_signatures(draw: Any, width_dots: int, margin: int, inner: int, y: int) -> None:
    half = inner // 2
    for i, lines in enumerate(_signature_columns(width_dots, inner)):
        yy = y
        for text, font in lines:
            x = margin + i * half + int(half - font.getlength(text)) // 2
            draw.text((x, yy), text, font=font, fill=0)
            yy += int(font.size * 1.3)


def save_slip_png(data: SlipData, path: str | os.PathLike[str], width_dots: int = 576) -> Path:
    """What the simulated printer keeps: the exact raster as PNG (203 dpi recorded)."""
    img = render_slip(data, width_dots)
    img.save(path, "PNG", dpi=(DPI, DPI))
    return Path(path)


# --- building the content ------------------------------------------------------------------------


def _components(procedure: Procedure, pages: Mapping[str, int] | None
                ) -> tuple[SlipComponent, ...]:
    """The components handed in (with their pages scanned, component code → pages) and every
    required one; all of them when ``pages`` is None."""
    return tuple(
        SlipComponent(c.name, c.paper_vi, c.quantity, (pages or {}).get(c.code) or None)
        for c in procedure.components
        if pages is None or pages.get(c.code) or c.required
    )


def _answered(procedure: Procedure, answers: Mapping[str, str] | None,
              result_delivery: str | None, fee: tuple[str, int | None] | None
              ) -> tuple[Procedure, str | None, tuple[str | None, int | None]]:
    """What the citizen's form decides on the slip: the time limit (a variant), how the result is
    received and the fee (``Procedure.fee_quote``). A reprint passes the kept ``result_delivery``
    and ``fee`` (text, amount) with the non-personal answers; without any, the catalogue's fee."""
    if answers is not None:
        procedure = procedure.for_answers(answers)
        result_delivery = result_delivery or procedure.delivery(answers).slip
        if fee is None:
            quote = procedure.fee_quote(answers)
            fee = (quote.text, quote.amount)
    if fee is None:
        return procedure, result_delivery, (procedure.fee.text or None, procedure.fee.estimate())
    return procedure, result_delivery, fee


def build_slip(
    *,
    procedure: Procedure,
    dossier_code: str,
    received: dt.datetime,
    due: DueDate,
    kiosk: Any,
    lookup_url: str,
    identity: Identity | None = None,
    phone: str | None = None,
    email: str | None = None,
    pages: Mapping[str, int] | None = None,
    clock_trusted: bool = True,
    gateway_code: str | None = None,
    site: str | None = None,
    register_no: int | None = None,
    submitter: Identity | None = None,
    answers: Mapping[str, str] | None = None,
    result_delivery: str | None = None,
    fee: tuple[str, int | None] | None = None,
) -> SlipData:
    """Slip content from a dossier: the one slip builder, for originals and reprints alike.

    ``kiosk`` is the ``[kiosk]`` config section (id, unit_name, parent_body, place, site,
    hotline); ``site`` is where the dossier was received, when staff chose one; ``submitter``:
    who handed the dossier in, when not ``identity`` (the owner); ``pages``: see
    :func:`_components`; ``answers``, ``result_delivery``, ``fee``: see :func:`_answered`.
    Without ``identity`` the slip is a reprint without personal data."""
    procedure, result_delivery, (fee_text, fee_amount) = _answered(
        procedure, answers, result_delivery, fee)
    components = _components(procedure, pages)
    return SlipData(
        dossier_code=dossier_code,
        procedure_code=procedure.code,
        procedure_name=procedure.name,
        time_limit_text=procedure.time_limit.text,
        components=components,
        received=to_local(received),
        due=due,
        receiving_unit=kiosk.unit_name,
        parent_body=kiosk.parent_body,
        place=kiosk.place,
        lookup_url=lookup_url,
        kiosk_id=kiosk.id,
        site=site or kiosk.site,
        citizen_name=identity.full_name if identity else None,
        citizen_address=identity.address if identity else None,
        citizen_phone=(phone or None) if identity else None,
        citizen_email=(email or None) if identity else None,
        clock_trusted=clock_trusted,
        gateway_code=gateway_code,
        register_no=register_no,
        owner_id_masked=mask_id(identity.id_number) if identity else None,
        submitter_name=(submitter.full_name if identity and submitter
                        and submitter.id_number != identity.id_number else None),
        fee_text=fee_text,
        fee_amount=fee_amount,
        result_delivery=result_delivery,
        hotline=getattr(kiosk, "hotline", "") or None,
    )


SAMPLE_PROCEDURE = "1.004873"
SAMPLE_RECEIVED = dt.datetime(2026, 2, 13, 16, 5)
"""Friday before Tết Bính Ngọ: the sample shows the holiday being skipped."""


def sample_slip(config: Any, *, seq: int = 7, register_no: int = 153) -> SlipData:
    """A slip for a synthetic citizen, with no setup (``kiosk slip --sample``); ``config`` is a
    KioskConfig (kiosk identity, lookup URL, office hours)."""
    from appliance.domain.calendar import WorkingCalendar, due_date
    from appliance.domain.catalogue import default_catalogue
    from appliance.domain.codes import format_dossier_code
    from appliance.domain.identity import Identity, IdentitySource

    catalogue = default_catalogue()
    procedure = catalogue.get(SAMPLE_PROCEDURE)
    assert procedure is not None
    calendar = WorkingCalendar.from_config(config.calendar, catalogue.calendar_overrides)
    person = Identity(
        id_number="001099000000",
        full_name="Nguyễn Thị Mẫu",
        birth_date=dt.date(1990, 1, 1),
        sex="Nữ",
        address="Số 1, thôn Đông, xã Mẫu, tỉnh Mẫu",
        source=IdentitySource.MANUAL,
    )
    code = format_dossier_code(config.kiosk.unit_code, config.kiosk.id, SAMPLE_RECEIVED.date(), seq)
    return build_slip(
        procedure=procedure,
        dossier_code=code,
        received=SAMPLE_RECEIVED,
        due=due_date(procedure, SAMPLE_RECEIVED, calendar),
        kiosk=config.kiosk,
        lookup_url=config.gateway.lookup_url,
        identity=person,
        phone="0912345678",
        email="mau@example.com",
        pages={"TO_KHAI": 1, "GIAY_TO_LY_HON": 2},
        register_no=register_no,
    )


__all__ = [
    "WIDTHS",
    "SlipComponent",
    "SlipData",
    "build_slip",
    "render_slip",
    "sample_slip",
    "save_slip_png",
    "slip_lines",
    "slip_text",
]
