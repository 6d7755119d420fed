"""The national record (issue 14 item 10): a kiosk dossier exported by the reference gateway's
admin API in the shape the province's one-stop system sends to the national portal, checked
field by field and type by type against docs/national-record.schema.json, with the values that
decide how the national service index scores it."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import requests

from sync.portal_sim import verify
from sync.portal_sim.national import GatewayFacts, national_record

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "national-record.schema.json"
                     ).read_text("utf-8"))


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        extra = {k: v for k, v in node.items() if k != "$ref"}
        node = {**SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[1]], **extra}
    return node


def violations(value: Any, node: dict[str, Any], where: str = "hoSo") -> list[str]:
    """The schema subset docs/national-record.schema.json uses: type, enum, pattern, maxLength,
    properties/required/additionalProperties, items, $ref."""
    node = _resolve(node)
    kind = node.get("type")
    py = {"string": str, "object": dict, "array": list}.get(kind)
    if py is not None and not isinstance(value, py):
        return [f"{where}: {type(value).__name__}, expected {kind}"]
    out = []
    if "enum" in node and value not in node["enum"]:
        out.append(f"{where}: {value!r} not in {node['enum']}")
    if "pattern" in node and not re.search(node["pattern"], value):
        out.append(f"{where}: {value!r} does not match {node['pattern']}")
    if "maxLength" in node and len(value) > node["maxLength"]:
        out.append(f"{where}: longer than {node['maxLength']}")
    if kind == "object" and "properties" in node:
        props = node["properties"]
        out += [f"{where}: missing {k}" for k in node.get("required", props) if k not in value]
        if node.get("additionalProperties") is False:
            out += [f"{where}: unexpected {k}" for k in value if k not in props]
        for k, v in value.items():
            if k in props:
                out += violations(v, props[k], f"{where}.{k}")
    if kind == "array":
        for i, item in enumerate(value):
            out += violations(item, node["items"], f"{where}[{i}]")
    return out


def _admin(sim, method: str, path: str, **kwargs) -> requests.Response:
    return requests.request(method, sim.url + path, headers=sim.admin_headers(), timeout=10,
                            **kwargs)


def test_the_schema_lists_every_field_as_required():
    assert set(SCHEMA["required"]) == set(SCHEMA["properties"])


def test_a_kiosk_dossier_exported_over_http_matches_the_documented_record(sim, seed, daemon):
    (result,) = seed(1, pages=3)
    assert daemon.run_once() is True
    path = f"/admin/dossiers/{result.id}/national"

    record = _admin(sim, "GET", path).json()["hoSo"]
    assert violations(record, SCHEMA) == []
    (held,) = sim.gateway.admin_dossiers()
    assert record["TrangThaiHoSo"] == str(held["TrangThaiHoSo"] or 1)
    assert record["NgayNopHoSo"] == result.received_at.strftime("%Y%m%d%H%M%S")
    if held["TrangThaiHoSo"] in (None, 1):  # not the kiosk's time: no one received it yet
        assert record["NgayTiepNhan"] == ""

    assert _admin(sim, "POST", f"/admin/dossiers/{result.id}/status",
                  json={"status": 4}).status_code == 200
    record = _admin(sim, "GET", path).json()["hoSo"]
    assert violations(record, SCHEMA) == []
    assert record["TrangThaiHoSo"] == "4"
    accepted = dt.datetime.strptime(record["NgayTiepNhan"], "%Y%m%d%H%M%S")
    assert accepted >= result.received_at.replace(tzinfo=None, microsecond=0)
    # what the service index reads
    assert record["KenhThucHien"] == "1"
    assert record["HoSoCoThanhPhanSoHoa"] == "1"
    assert len(record["TaiLieuNop"]) == 3
    for doc in record["TaiLieuNop"]:
        assert (doc["DuocSoHoa"], doc["DuocTaiSuDung"], doc["DuocLayTuKhoDMQG"],
                doc["MaKetQuaThayThe"]) == ("1", "0", "0", "")
    assert record["TaiKhoanDuocXacThucVoiVNeID"] == "0" and record["DSKetNoiCSDL"] == []
    # the kiosk's sealed payload itself carries the per-file flags (not only the export's defaults)
    with sim.gateway.db.locked() as conn:
        envelope = json.loads(conn.execute("SELECT envelope FROM dossiers WHERE id = ?",
                                           (result.id,)).fetchone()[0])
    payload, _ = verify.open_payload(envelope["manifest"], sim.gateway.portal_key)
    assert {(p["DuocSoHoa"], p["DuocTaiSuDung"], p["DuocLayTuKhoDMQG"], p["MaKetQuaThayThe"])
            for p in payload["TaiLieuNop"]} == {("1", "0", "0", "")}
    (ident,) = record["DinhDanhCHS"]
    assert ident["LoaiDinhDanh"] == "1" and re.fullmatch(r"\d{12}", ident["SoDinhDanh"])
    assert ident["SoDinhDanh"] == record["SoGiayToChuHoSo"]
    assert (record["MaTTHC"], record["MaLinhVuc"], record["TenLinhVuc"]) == (
        "1.001193", "ho_tich", "Hộ tịch")  # the field from the gateway's catalogue
    assert record["MaHoSo"] and record["MaHoSo"] != result.code  # the province's code


def test_the_province_may_count_its_kiosks_as_online(sim, seed, daemon):
    (result,) = seed(1, pages=1)
    assert daemon.run_once() is True
    sim.gateway.kiosk_channel = 2
    record = _admin(sim, "GET", f"/admin/dossiers/{result.id}/national").json()["hoSo"]
    assert record["KenhThucHien"] == "2"


def test_unknown_or_incomplete_dossier_is_404(sim):
    answer = _admin(sim, "GET", "/admin/dossiers/00000000-0000-4000-8000-000000000000/national")
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"


PAYLOAD: dict[str, Any] = {
    "MaHoSo": "000.00.00.H56-260302-K01-0001", "MaTTHC": "1.004873",
    "TenTTHC": "Cấp Giấy xác nhận tình trạng hôn nhân", "KenhThucHien": 1,
    "ChuHoSo": "Nguyễn Thị Mẫu", "SoGiayToChuHoSo": "001099000000", "LoaiDoiTuong": 1,
    "DinhDanhCHS": [{"LoaiDinhDanh": 1, "SoDinhDanh": "001099000000"},
                    {"LoaiDinhDanh": 2, "SoDinhDanh": "123456789"}],
    "SoDienThoai": "0912345678", "Email": None, "NgayNopHoSo": "20260302090000",
    "NgayTiepNhan": "20260302090000", "NgayHenTra": "20260305170000",
    "TrichYeuHoSo": "x" * 1200, "NoiNopHoSo": "UBND xã Mẫu", "HoSoCoThanhPhanSoHoa": "1",
    "TaiKhoanDuocXacThucVoiVNeID": "0",
    "TaiLieuNop": [{"TepDinhKemId": "ab" * 32, "TenTepDinhKem": "TO_KHAI-1",
                    "MaThanhPhanHoSo": "TO_KHAI", "TenThanhPhanHoSo": "Tờ khai", "DuocSoHoa": "1",
                    "Trang": 1}],
}


@pytest.mark.parametrize(("status", "refused"), [(3, "20260303100000"), (2, "")])
def test_record_of_a_payload_from_before_the_flags_and_a_refusal(status, refused):
    """A payload sealed before the per-document flags existed still exports them (0, 0, ""); the
    old ID number is LoaiDinhDanh 2; a refused dossier carries NgayTuChoi; a fee is listed."""
    facts = GatewayFacts("d", PAYLOAD["MaHoSo"], "H56.22-260302-0001", status,
                         "2026-03-03T10:00:00+07:00", None)
    procedure = {"code": "1.004873", "field_code": "1.000001", "field": "Hộ tịch",
                 "fee": {"text": "Lệ phí do HĐND tỉnh quy định.",
                         "rules": [{"kind": "set_by_province", "amount": 15000}]}}
    record = national_record(PAYLOAD, facts, procedure)
    assert violations(record, SCHEMA) == []
    assert [i["LoaiDinhDanh"] for i in record["DinhDanhCHS"]] == ["1", "2"]
    assert record["TaiLieuNop"][0]["DuocTaiSuDung"] == "0"
    assert record["NgayTuChoi"] == refused
    assert record["NgayTiepNhan"] == ""  # the payload's kiosk time is never the receipt time
    assert record["DanhSachLePhi"][0]["Gia"] == "15000"
    assert len(record["TrichYeuHoSo"]) == 1000 and record["Email"] == ""
    assert record["MaHoSo"] == "H56.22-260302-0001"
    free = {**procedure, "fee": {"text": "Miễn lệ phí.", "rules": [{"kind": "free"}]}}
    assert national_record(PAYLOAD, facts, free)["DanhSachLePhi"] == []


def test_the_answers_decide_hinh_thuc_and_the_fee_list():
    """Issue 14 items 7 and 9: the citizen's choice of delivery is the national ``HinhThuc`` and
    the kiosk's quote under the answers is the fee list: an exemption lists nothing to pay, a
    provincial rate has no made-up amount."""
    from appliance.domain.catalogue import default_catalogue

    cert = default_catalogue().get("1.004873")
    facts = GatewayFacts("d", PAYLOAD["MaHoSo"], None, 2, "2026-03-03T10:00:00+07:00", None)
    by_post = {"nhan_ket_qua": "Nhận qua dịch vụ bưu chính công ích",
               "dia_chi_nhan_ket_qua": "Thôn 3, xã Thăng Phú, thành phố Đà Nẵng",
               "mien_le_phi": "Người thuộc hộ nghèo"}
    record = national_record({**PAYLOAD, **cert.payload_fields(by_post)}, facts, None)
    assert violations(record, SCHEMA) == []
    assert record["HinhThuc"] == "1" and record["DanhSachLePhi"] == []
    paying = {**PAYLOAD, **cert.payload_fields({"mien_le_phi": "Không thuộc các trường hợp trên"})}
    record = national_record(paying, facts, None)
    assert record["HinhThuc"] == "0"
    assert record["DanhSachLePhi"] == [{
        "TenPhiLePhi": "Theo mức thu của tỉnh (thường là 15.000 đồng)", "MaPhiLePhi": "",
        "HinhThucThu": "", "Gia": "", "LoaiPhiLePhi": ""}]
