"""``kiosk decode IMAGE… [--json]``: what the kiosk understands of the QR codes in image files.

For each QR code: a slip's dossier code, the identity fields of a chip ID card, or the precise
reason the kiosk refuses it (wrong card, junk, not UTF-8). Exit status: 0 when every file had at
least one QR code and every code was understood; 1 when a file had no QR code or a code was refused;
2 when a file could not be read as an image: missing, not a regular file, more than
``hw.imagefile.MAX_PIXELS`` pixels (a decompression bomb) or not an image (nothing else is 2).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from appliance import exitcodes
from appliance.config import KioskConfig

HELP = "decode the QR codes in image files and show what the kiosk understands of them"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="PNG/JPEG/… files")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--decoder", choices=("zxing", "pyzbar"), default=None,
        help="QR decoder (default: hardware.qr_decoder from kiosk.toml)",
    )


def _identity(identity: Any) -> dict[str, Any]:
    return {
        "id_number": identity.id_number,
        "old_id_number": identity.old_id_number,
        "full_name": identity.full_name,
        # a year-only birth date is the year alone ("1950"), never a made-up 01/01
        "birth_date": (identity.birth_date.isoformat() if identity.birth_date
                       else identity.birth_text or None),
        "sex": identity.sex,
        "address": identity.address,
        "issue_date": identity.issue_date.isoformat() if identity.issue_date else None,
        "card": str(identity.card) if identity.card else None,
        "cancelled_ids": list(identity.cancelled_ids),
    }


def understand(text: str, raw: bytes) -> dict[str, Any]:
    """One decoded QR as the kiosk sees it: ``kind`` is ``slip``, ``id_card`` or ``refused``."""
    from appliance.domain.codes import code_from_slip_qr
    from appliance.domain.idcard import QrRefusal, parse_card_qr

    code = code_from_slip_qr(text)
    if code is not None:
        return {"kind": "slip", "dossier_code": code}
    # The raw bytes, not the text: the parser then judges the encoding itself.
    result = parse_card_qr(raw)
    if isinstance(result, QrRefusal):
        return {
            "kind": "refused",
            "refusal": {"code": result.code, "reason_vi": result.reason_vi,
                        "reason_en": result.reason_en},
        }
    return {"kind": "id_card", "identity": _identity(result)}


def decode_file(path: Path, decoder: str) -> dict[str, Any]:
    from appliance.app.devices import HardwareError, ImageFileError, decode_qr, load_image

    entry: dict[str, Any] = {"path": str(path), "error": None, "codes": []}
    try:
        found = decode_qr(load_image(path), decoder)  # bounded: no bomb, no FIFO
    except ImageFileError as exc:
        entry["error"] = {"code": exc.code, "message": exc.reason_en}
        return entry
    except HardwareError as exc:
        entry["error"] = {"code": exc.code, "message": exc.reason_en}
        return entry
    for qr in found:
        meaning = understand(qr.text, qr.raw_bytes)
        entry["codes"].append({"text": qr.text, "utf8": qr.utf8, **meaning})
    return entry


_UNREADABLE = ("file_not_found", "not_a_file", "image_too_large", "not_an_image")


def file_status(entry: dict[str, Any]) -> int:
    if entry["error"]:
        return exitcodes.FAILURE if entry["error"]["code"] not in _UNREADABLE \
            else exitcodes.USAGE
    if not entry["codes"] or any(c["kind"] == "refused" for c in entry["codes"]):
        return exitcodes.FAILURE
    return exitcodes.OK


_LABELS = (
    ("id_number", "Số định danh"), ("old_id_number", "Số CMND cũ"), ("full_name", "Họ và tên"),
    ("birth_date", "Ngày sinh"), ("sex", "Giới tính"), ("address", "Nơi thường trú"),
    ("issue_date", "Ngày cấp"),
)


def _print_entry(entry: dict[str, Any]) -> None:
    path = entry["path"]
    if entry["error"]:
        print(f"{path}: ✗ {entry['error']['message']} [{entry['error']['code']}]")
        return
    if not entry["codes"]:
        print(f"{path}: ✗ không thấy mã QR nào [no_qr]")
        return
    for code in entry["codes"]:
        if code["kind"] == "slip":
            print(f"{path}: ✓ giấy hẹn, mã hồ sơ {code['dossier_code']} [slip]")
        elif code["kind"] == "id_card":
            print(f"{path}: ✓ thẻ căn cước [id_card]")
            for key, label in _LABELS:
                if key == "address" and code["identity"]["card"] == "can_cuoc":
                    label = "Nơi cư trú"  # the thẻ căn cước's wording
                if code["identity"][key]:
                    print(f"    {label}: {code['identity'][key]}")
        else:
            refusal = code["refusal"]
            print(f"{path}: ✗ {refusal['reason_vi']} [{refusal['code']}]")
            print(f"    {refusal['detail']}")


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    decoder = args.decoder or config.hardware.qr_decoder
    entries = [decode_file(Path(p), decoder) for p in args.images]
    status = max(file_status(e) for e in entries)
    if args.json:
        print(json.dumps({"decoder": decoder, "files": entries, "exit": status},
                         ensure_ascii=False, indent=2))
    else:
        for entry in entries:
            _print_entry(entry)
    return status
