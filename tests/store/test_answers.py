"""The citizen's answers through finalize (issue 14 items 7, 9, 11): the sealed payload's fee,
result delivery and today's address, the time limit they select, and the slip and its reprint."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from appliance.app import runtime
from appliance.app.slips import SlipFacts, slip_for, stored_slip
from appliance.config import parse
from appliance.crypto import PortalKey
from appliance.domain.calendar import WorkingCalendar, due_date
from appliance.domain.catalogue import (
    DELIVERIES,
    CatalogueError,
    default_catalogue,
    load_catalogue,
)
from appliance.domain.dossier import Draft
from appliance.domain.identity import Identity
from appliance.domain.slip import slip_text
from appliance.manifest import open_dossier, parse_envelope
from appliance.submission import finalize

POST = "Nhận qua dịch vụ bưu chính công ích"
CARD = "Thôn 3, xã Bình Phú, huyện Thăng Bình, tỉnh Quảng Nam"
TODAY = "Thôn 3, xã Thăng Phú, thành phố Đà Nẵng"


def test_answers_decide_fee_delivery_time_limit_and_address(tmp_path):
    portal = PortalKey.generate()
    config = parse(f'[kiosk]\ndata_dir = "{tmp_path}"\nclock = "host"\n[gateway]\n'
                   f'portal_public_key = "{portal.public_key_b64}"\n[storage]\nreserve_mb = 1\n',
                   "test")
    store = runtime.open_store(config)
    catalogue = default_catalogue()
    person = Identity("049088012345", "Phan Thị Thử", None, "Nữ", CARD)
    answers = {"loai_yeu_cau": "Bổ sung", "mien_le_phi": "Người khuyết tật",
               "nhan_ket_qua": POST, "dia_chi_nhan_ket_qua": TODAY}
    try:
        result = finalize(store, Draft("1.004859", person, answers),
                          runtime.finalize_context(config, store, catalogue))
        opened = open_dossier(parse_envelope(store.envelope(result.id)), portal, store.read_blob)
        payload = opened.payload
        assert (payload["HinhThuc"], payload["HinhThucNhanKetQua"]) == ("1", "buu_chinh")
        assert payload["DiaChiNhanKetQua"] == TODAY
        assert payload["DanhSachLePhi"] == [{"TenPhiLePhi": "Miễn lệ phí (Người khuyết tật)",
                                             "MaPhiLePhi": "1.004859", "Gia": 0,
                                             "MienLePhi": "Người khuyết tật"}]
        assert payload["DiaChiThuongTru"] == CARD and payload["DiaChiHienNay"] == TODAY
        # "bổ sung" is same-day: the due date follows the variant the answer selects
        same_day = catalogue.get("1.004859").for_answers(answers)
        calendar = WorkingCalendar.from_config(config.calendar, catalogue.calendar_overrides)
        expected = due_date(same_day, result.received_at.replace(tzinfo=None), calendar).when
        assert result.due_at.replace(tzinfo=None) == expected
        original = slip_for(config, catalogue, SlipFacts.of_result(result), identity=person,
                            answers=answers)
        assert original.result_delivery == DELIVERIES[POST].slip
        assert original.fee_text == "Miễn lệ phí (Người khuyết tật)"
        assert original.time_limit_text.startswith("Bổ sung thông tin hộ tịch")
        printed = slip_text(original)
        assert f"Hình thức nhận kết quả: {DELIVERIES[POST].slip}" in printed
        assert "Phí, lệ phí: Miễn lệ phí (Người khuyết tật)" in printed
        reprint = stored_slip(config, store, catalogue, result.code)
        assert reprint.result_delivery == original.result_delivery
        assert reprint.time_limit_text == original.time_limit_text
        assert reprint.fee_text == "Miễn lệ phí"  # the exempt group is personal: not kept
        assert "khuyết tật" not in str(store.find_by_code(result.code).slip_public)
    finally:
        store.close()


UNIT = {"unit_code": "000.00.00.H56", "unit_name": "Trung tâm Phục vụ hành chính công xã Thăng Phú",
        "parent_body": "UBND XÃ THĂNG PHÚ", "place": "Thăng Phú"}


def test_the_unit_comes_from_the_gateway_catalogue_else_from_kiosk_toml(tmp_path):
    """Issue 14 item 11: the unit's name, code and the slip's heading are data: kiosk.toml, and
    the gateway's catalogue wins (a merged commune is renamed without a visit)."""
    portal = PortalKey.generate()
    config = parse(f'[kiosk]\ndata_dir = "{tmp_path}"\nclock = "host"\nunit_code = "1.2.3"\n'
                   f'unit_name = "Tên cũ"\n[gateway]\n'
                   f'portal_public_key = "{portal.public_key_b64}"\n[storage]\nreserve_mb = 1\n',
                   "test")
    shipped = default_catalogue()
    assert runtime.kiosk_section(config, shipped) == config.kiosk  # no unit in the shipped one
    data = shipped.to_dict()
    data["unit"] = UNIT
    gateway = load_catalogue(data)
    assert load_catalogue(gateway.to_dict()) == gateway
    store = runtime.open_store(config)
    try:
        ctx = runtime.finalize_context(config, store, gateway)
        assert (ctx.unit_code, ctx.unit_name) == (UNIT["unit_code"], UNIT["unit_name"])
        person = Identity("049088012345", "Phan Thị Thử", None, "Nữ", CARD)
        result = finalize(store, Draft("1.001193", person), ctx)
        assert result.code.startswith("000.00.00.H56-")
        slip = stored_slip(config, store, gateway, result.code)
        assert (slip.parent_body, slip.receiving_unit, slip.place) == (
            UNIT["parent_body"], UNIT["unit_name"], UNIT["place"])
    finally:
        store.close()
    data["unit"] = {"unit_code": "H56-01"}
    with pytest.raises(CatalogueError, match="catalogue: unit: unit_code"):
        load_catalogue(data)


def test_the_demo_uses_todays_names(tmp_path):
    from appliance.commands.demo import SAMPLE_CARDS, write_demo_config
    from appliance.config import load
    from appliance.domain.idcard import parse_card_qr

    gateway_toml = tmp_path / "gw.toml"
    gateway_toml.write_text('[kiosk]\nid = "K01"\nunit_code = "000.00.00.H56"\n', "utf-8")
    config = load(write_demo_config(gateway_toml, tmp_path))
    assert config.kiosk.parent_body == "UBND XÃ THĂNG PHÚ" and config.kiosk.place == "Thăng Phú"
    old_card = parse_card_qr(SAMPLE_CARDS["04-the-cu-dia-chi-cu.txt"])
    assert isinstance(old_card, Identity)
    assert default_catalogue().address_map.map(old_card.address).text == TODAY


def test_no_unit_name_is_a_code_constant():
    """Only the obvious placeholder defaults of config.py ("xã Mẫu") name a unit in the code; a
    real unit's name or code comes from kiosk.toml or the gateway's catalogue."""
    root = Path(__file__).resolve().parents[2] / "appliance"
    pattern = re.compile(r"(?:UBND|Trung tâm Phục vụ hành chính công)\s+(?:xã|XÃ|phường|PHƯỜNG)"
                         r"\s+(\w+)")
    found = {(p.relative_to(root).as_posix(), m.group(1))
             for p in root.rglob("*.py") for m in pattern.finditer(p.read_text("utf-8"))}
    assert found <= {("config.py", "Mẫu"), ("config.py", "MẪU"),
                     ("commands/demo.py", "Thăng"), ("commands/demo.py", "THĂNG")}, found
