"""Property tests for the byte-level parsers of the hardware seams."""

from __future__ import annotations

import numpy as np
from escpos.printer import Dummy
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from hw.network.nmcli import split_terse
from hw.printer import PaperState
from hw.printer.escpos_printer import parse_online, parse_paper
from hw.printer.raster import bands, decode_raster, to_raster
from hw.qr import DecodedQr

FIELD = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\n\r"), max_size=20)


def escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


@given(st.lists(FIELD, min_size=1, max_size=6))
def test_nmcli_terse_split_inverts_escaping(fields):
    assert split_terse(":".join(escape(f) for f in fields)) == fields


@settings(max_examples=40, deadline=None)
@given(
    width=st.integers(1, 120),
    height=st.integers(1, 300),
    seed=st.integers(0, 2**32 - 1),
    paper=st.sampled_from([384, 576]),
)
def test_raster_bytes_decode_back_to_the_raster(width, height, seed, paper):
    pixels = np.random.default_rng(seed).integers(0, 2, (height, width), dtype=np.uint8) * 255
    raster = to_raster(Image.fromarray(pixels), paper)
    printer = Dummy(profile="default")
    printer.profile.profile_data["media"]["width"]["pixels"] = paper
    for band in bands(raster, 64):
        printer.image(band, impl="bitImageRaster")
    decoded = decode_raster(printer.output)
    assert decoded.size == raster.size
    assert np.array_equal(np.asarray(decoded), np.asarray(raster))


@given(st.binary(max_size=3))
def test_status_answers_never_raise_and_garbage_is_unknown(answer):
    paper = parse_paper(answer)
    online = parse_online(answer)
    if len(answer) != 1 or answer[0] & 0x93 != 0x12:
        assert paper is PaperState.UNKNOWN and online is None


@given(st.binary(max_size=64))
def test_decoded_qr_text_is_exact_utf8_or_flagged(raw):
    qr = DecodedQr.from_bytes(raw)
    if qr.utf8:
        assert qr.text.encode("utf-8") == raw
    else:
        assert "\ufffd" in qr.text
