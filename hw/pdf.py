"""A minimal PDF writer for what the kiosk puts in PDFs: scanned pages and printed slips.

Each page is one image filling the page at its own resolution. JPEG pages are embedded byte for
byte (``DCTDecode``: no re-encoding, so no second generation of compression loss); 1-bit and
greyscale images are embedded losslessly (``FlateDecode``). This replaces img2pdf, whose import
(with pikepdf) cost the touch UI's process about 12 MB of a Raspberry Pi's memory for a job this
small.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence

from PIL import Image

DEFAULT_DPI = 150.0
_COLOUR = {"L": b"/DeviceGray", "1": b"/DeviceGray", "RGB": b"/DeviceRGB", "CMYK": b"/DeviceCMYK"}


def _image_object(page: bytes | Image.Image) -> tuple[bytes, int, int, float]:
    """(XObject dictionary + stream, width, height, dpi) for one page."""
    if isinstance(page, bytes | bytearray):
        with Image.open(io.BytesIO(page)) as probe:
            if probe.format != "JPEG" or probe.mode not in _COLOUR:
                raise ValueError("PDF pages must be JPEG bytes (L, RGB or CMYK) or PIL images")
            width, height, mode = probe.width, probe.height, probe.mode
            dpi = float((probe.info.get("dpi") or (DEFAULT_DPI,))[0] or DEFAULT_DPI)
        data, bits, filt = bytes(page), 8, b"/DCTDecode"
    else:
        image = page if page.mode in ("1", "L") else page.convert("L")
        width, height, mode = image.width, image.height, image.mode
        dpi = float((image.info.get("dpi") or (DEFAULT_DPI,))[0] or DEFAULT_DPI)
        data, bits, filt = (
            zlib.compress(image.tobytes(), 9),
            1 if mode == "1" else 8,
            b"/FlateDecode",
        )
    head = (
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s"
        b" /BitsPerComponent %d /Filter %s /Length %d >>\nstream\n"
        % (width, height, _COLOUR[mode], bits, filt, len(data))
    )
    return head + data + b"\nendstream", width, height, dpi


def images_to_pdf(pages: Sequence[bytes | Image.Image]) -> bytes:
    """One PDF with one page per image, each page sized from the image's resolution."""
    if not pages:
        raise ValueError("a PDF needs at least one page")
    objects: list[bytes] = [b"", b""]  # 1: catalog, 2: page tree, filled in below

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    kids = []
    for page in pages:
        xobject, width, height, dpi = _image_object(page)
        image_ref = add(xobject)
        w_pt, h_pt = width * 72.0 / dpi, height * 72.0 / dpi
        content = b"q %.3f 0 0 %.3f 0 0 cm /Im0 Do Q" % (w_pt, h_pt)
        content_ref = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.3f %.3f]"
                b" /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>"
                % (w_pt, h_pt, image_ref, content_ref)
            )
        )
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
