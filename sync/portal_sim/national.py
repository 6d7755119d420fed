"""The national record of a kiosk dossier: what the province's one-stop system sends to the
national portal (Cổng DVCQG) when it synchronises a dossier (issue 14 item 10).

The field set is the one provincial systems post to the national portal's dossier-sync service
(``HoSoDongBoDVC``, ``TaiLieuNop``, ``DinhDanhCHS``, ``DanhSachLePhi`` …; docs/domain.md §8 gives
the source of every field and value). Every scalar is a string, as those systems send them;
"" where the kiosk and the gateway know nothing (never an invented value). The documented shape
is ``docs/national-record.schema.json``; ``tests/sync/test_national_record.py`` checks an export
against it.

The values that decide how the national service index scores a kiosk dossier:

* ``KenhThucHien`` — the gateway's setting (``KIOSK_CHANNEL``, default 1 *trực tiếp*): the kiosk
  is not the national portal and the citizen signs in to no account there; an officer checks the
  papers before the dossier is accepted. A province that counts its kiosks as online changes it.
* ``HoSoCoThanhPhanSoHoa`` "1" and ``DuocSoHoa`` "1" per file: every paper is scanned at the kiosk,
  which is what the digitisation indicator counts (digitised at a direct reception included).
* ``DuocTaiSuDung`` "0", ``MaKetQuaThayThe`` "", ``DuocLayTuKhoDMQG`` "0": nothing is reused from an
  earlier digitised result or taken from the citizen's data store on the national portal.
* ``TaiKhoanDuocXacThucVoiVNeID`` "0" and no ``DSKetNoiCSDL``: the kiosk reads the card (QR or
  chip), it neither signs in with VNeID nor queries the population database.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sync.portal_sim import verify

if TYPE_CHECKING:
    from sync.portal_sim.gateway import Gateway

DIRECT, ONLINE, POSTAL = 1, 2, 3
"""KenhThucHien: 1 trực tiếp, 2 trực tuyến, 3 qua bưu chính công ích."""
KIOSK_CHANNEL = DIRECT
ACCEPTED_STATUSES = (2, 4, 5, 6, 9, 10)
"""TrangThaiHoSo values that mean the unit received the dossier (được tiếp nhận and later)."""


@dataclass(frozen=True)
class GatewayFacts:
    """What the gateway knows of a dossier beside its sealed payload."""

    dossier_id: str
    dossier_code: str
    official_code: str | None
    """The province's MaHoSo; the kiosk's own code until there is one."""
    status: int | None
    status_at: str | None
    accepted_at: str | None
    """ISO time of the first status meaning "received by the unit" (NgayTiepNhan)."""


def _stamp(iso: str | None) -> str:
    return dt.datetime.fromisoformat(iso).strftime("%Y%m%d%H%M%S") if iso else ""


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _documents(payload: dict[str, Any], dossier_id: str) -> list[dict[str, str]]:
    """``TaiLieuNop``: one entry per scanned file, with the flags the index reads."""
    return [
        {
            "TepDinhKemId": _text(page.get("TepDinhKemId")),
            "TenTepDinhKem": _text(page.get("TenThanhPhanHoSo") or page.get("TenTepDinhKem")),
            "IsDeleted": "0",
            "MaThanhPhanHoSo": _text(page.get("MaThanhPhanHoSo")),
            "DuongDanTaiTepTin": f"/api/v1/dossiers/{dossier_id}/files/{page.get('TepDinhKemId')}",
            "DuocSoHoa": _text(page.get("DuocSoHoa", "1")),
            "DuocTaiSuDung": _text(page.get("DuocTaiSuDung", "0")),
            "DuocLayTuKhoDMQG": _text(page.get("DuocLayTuKhoDMQG", "0")),
            "MaKetQuaThayThe": _text(page.get("MaKetQuaThayThe", "")),
        }
        for page in payload.get("TaiLieuNop") or []
        if isinstance(page, dict)
    ]


def _fees(procedure: dict[str, Any] | None) -> list[dict[str, str]]:
    """``DanhSachLePhi`` from the catalogue's fee: none when the procedure is free."""
    fee = (procedure or {}).get("fee") or {}
    rules = fee.get("rules") or []
    if not fee.get("text") or (rules and rules[0].get("kind") == "free"):
        return []
    amount = rules[0].get("amount") if rules else None
    return [{"TenPhiLePhi": _text(fee["text"])[:500], "MaPhiLePhi": "", "HinhThucThu": "",
             "Gia": _text(amount), "LoaiPhiLePhi": ""}]


def _answered_fees(payload: dict[str, Any], procedure: dict[str, Any] | None
                   ) -> list[dict[str, str]]:
    """``DanhSachLePhi`` from the kiosk's quote under the citizen's answers (an exemption, the
    late-registration rate …; docs/domain.md §2), else from the catalogue's fee."""
    quoted = [f for f in payload.get("DanhSachLePhi") or [] if isinstance(f, dict)]
    if not quoted:
        return _fees(procedure)
    return [{"TenPhiLePhi": _text(f.get("TenPhiLePhi"))[:500], "MaPhiLePhi": "",
             "HinhThucThu": "", "Gia": _text(f.get("Gia")), "LoaiPhiLePhi": ""}
            for f in quoted if f.get("Gia") != 0]


def _identity(payload: dict[str, Any]) -> list[dict[str, str]]:
    """``DinhDanhCHS``: LoaiDinhDanh 1 = 12-digit personal ID, 2 = old 9-digit CMND."""
    return [{"LoaiDinhDanh": _text(i.get("LoaiDinhDanh")), "SoDinhDanh": _text(i.get("SoDinhDanh"))}
            for i in payload.get("DinhDanhCHS") or [] if isinstance(i, dict)]


def national_record(payload: dict[str, Any], facts: GatewayFacts,
                    procedure: dict[str, Any] | None, *,
                    channel: int = KIOSK_CHANNEL) -> dict[str, Any]:
    """The dossier as the province's system sends it to the national portal."""
    documents = _documents(payload, facts.dossier_id)
    status = facts.status or 1
    return {
        "MaHoSo": facts.official_code or facts.dossier_code,
        "MaTTHC": _text(payload.get("MaTTHC")),
        "TenTTHC": _text(payload.get("TenTTHC")),
        "MaLinhVuc": _text((procedure or {}).get("field_code")),
        "TenLinhVuc": _text((procedure or {}).get("field")),
        "KenhThucHien": str(channel),
        "SoGiayToChuHoSo": _text(payload.get("SoGiayToChuHoSo")),
        "ChuHoSo": _text(payload.get("ChuHoSo")),
        "LoaiDoiTuong": _text(payload.get("LoaiDoiTuong", 1)),
        "MaDoiTuong": "",
        "ThongTinKhac": "",
        "Email": _text(payload.get("Email")),
        "Fax": "",
        "SoDienThoai": _text(payload.get("SoDienThoai")),
        "TrichYeuHoSo": _text(payload.get("TrichYeuHoSo"))[:1000],
        "NgayTiepNhan": _stamp(facts.accepted_at),
        "NgayHenTra": _text(payload.get("NgayHenTra")),
        "TrangThaiHoSo": str(status),
        "NgayTra": "",
        "ThongTinTra": "",
        "HinhThuc": _text(payload.get("HinhThuc")),  # "0" in person, "1" by post
        "NgayKetThucXuLy": "",
        "DonViXuLy": _text(payload.get("NoiNopHoSo")),
        "GhiChu": "",
        "TaiLieuNop": documents,
        "DanhSachLePhi": _answered_fees(payload, procedure),
        "DanhSachTepDinhKemKhac": [],
        "DanhSachHoSoBoSung": [],
        "DanhSachGiayToKetQua": [],
        "NoiNopHoSo": _text(payload.get("NoiNopHoSo")),
        "HoSoCoThanhPhanSoHoa": "1" if any(d["DuocSoHoa"] == "1" for d in documents) else "0",
        "TaiKhoanDuocXacThucVoiVNeID": _text(payload.get("TaiKhoanDuocXacThucVoiVNeID", "0")),
        "DuocThanhToanTrucTuyen": "0",
        "NgayTuChoi": _stamp(facts.status_at) if status == 3 else "",
        "DinhDanhCHS": _identity(payload),
        "NgayNopHoSo": _text(payload.get("NgayNopHoSo")),
        "DSKetNoiCSDL": [],
    }


def export_national(gateway: Gateway, dossier_id: str) -> dict[str, Any]:
    """The admin API's national export of one complete dossier (opened with the portal key)."""
    with gateway.db.locked() as conn:
        row = conn.execute("SELECT * FROM dossiers WHERE id = ?", (dossier_id,)).fetchone()
        if row is None or row["completed_at"] is None:
            raise verify.ApiError(404, "not_found", "no complete dossier with this id")
        accepted = conn.execute(
            "SELECT MIN(at) FROM updates WHERE dossier_id = ? AND status IN "
            f"({', '.join('?' * len(ACCEPTED_STATUSES))})",
            (dossier_id, *ACCEPTED_STATUSES)).fetchone()[0]
    payload, _ = verify.open_payload(json.loads(row["envelope"])["manifest"], gateway.portal_key)
    procedure = next((p for p in gateway.catalogue.get("procedures", [])
                      if isinstance(p, dict) and p.get("code") == row["procedure_code"]), None)
    facts = GatewayFacts(dossier_id, row["dossier_code"], row["portal_code"], row["status"],
                         row["status_at"], accepted)
    return national_record(payload, facts, procedure, channel=gateway.kiosk_channel)


__all__ = ["DIRECT", "KIOSK_CHANNEL", "ONLINE", "POSTAL", "GatewayFacts", "export_national",
           "national_record"]
