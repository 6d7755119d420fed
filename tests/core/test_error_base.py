"""One bilingual error base: every error a citizen or staff can be shown has code/reason_vi/
reason_en, and the UI's ``citizen_message`` reads ``reason_vi`` without guessing."""

from __future__ import annotations

import ast
import inspect
import unicodedata
from pathlib import Path

import pytest

import hw.errors
import hw.network
import hw.printer
import hw.qr.zbar
import hw.scanner
import sync.errors
from appliance.domain.rating import RatingError
from appliance.provisioning import ProvisionError
from appliance.store import SubmissionRefused
from appliance.ui import strings as T
from appliance.ui.services import citizen_message
from kioskbase.errors import BilingualError

REPO = Path(__file__).resolve().parents[2]
SHOWN = [
    hw.errors.HardwareError, hw.errors.SpecError, hw.errors.MissingDependency,
    hw.printer.PrinterError, hw.scanner.ScannerError, hw.network.NetworkError,
    hw.qr.zbar.ZbarTooOld, SubmissionRefused, RatingError, ProvisionError,
    *[c for _, c in inspect.getmembers(sync.errors, inspect.isclass)
      if issubclass(c, Exception) and c.__module__ == "sync.errors"],
]


@pytest.mark.parametrize("cls", SHOWN, ids=lambda c: c.__name__)
def test_every_shown_error_shares_the_base(cls):
    assert issubclass(cls, BilingualError)


def _examples() -> list[BilingualError]:
    return [
        hw.errors.SpecError("camera", "nope", "sim or picamera2"),
        hw.errors.MissingDependency("zxing-cpp", "pip install zxing-cpp"),
        SubmissionRefused("disk_reserve", "Bộ nhớ của máy sắp đầy.", "free space below reserve"),
        RatingError("reason_required", "Xin vui lòng cho biết lý do.", "reason missing"),
        ProvisionError("boot_config_missing", "/boot/kiosk.toml: file not found"),
        sync.errors.AuthError("POST /token → 401 invalid_client", code="invalid_client"),
        sync.errors.Transient("timeout", code="timeout"),
        sync.errors.Conflict("PUT → 409", "abc"),
        sync.errors.RateLimited("429", 3.0),
    ]


@pytest.mark.parametrize("exc", _examples(), ids=lambda e: type(e).__name__)
def test_the_citizen_reads_reason_vi_and_logs_get_code_and_reason_en(exc):
    assert exc.code and exc.reason_en
    assert citizen_message(exc) == exc.reason_vi
    assert unicodedata.is_normalized("NFC", exc.reason_vi) and exc.reason_vi.endswith(".")
    assert exc.describe() == f"{exc.code}: {exc.reason_en}"
    assert exc.reason_en in str(exc)


def test_anything_else_gets_the_generic_message_not_a_guess():
    class LooksBilingual(Exception):
        message_vi = "không được hiện ra"
        reason_vi = "cũng không"

    assert citizen_message(LooksBilingual()) == T.GENERIC_ERROR
    assert citizen_message(ValueError("x")) == T.GENERIC_ERROR


def test_no_source_uses_the_old_names():
    """``message_vi``/``message_en``/``detail`` as attributes are gone from the kiosk's code."""
    offences = []
    for top in ("appliance", "hw", "sync", "kioskbase"):
        for path in sorted((REPO / top).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and node.attr in (
                        "message_vi", "message_en", "detail"):
                    offences.append(f"{path.relative_to(REPO)}:{node.lineno} .{node.attr}")
    assert offences == []
