"""The citizen's answers through finalize (issue 14 items 7, 9, 11): the sealed payload's fee,
result delivery and today's address, the time limit they select, and the slip and its reprint."""

from __future__ import annotations

from appliance.app import runtime
from appliance.app.slips import SlipFacts, slip_for, stored_slip
from appliance.config import parse
from appliance.crypto import PortalKey
from appliance.domain.calendar import WorkingCalendar, due_date
from appliance.domain.catalogue import DELIVERIES, default_catalogue
from appliance.domain.dossier import Draft
from appliance.domain.identity import Identity
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
        reprint = stored_slip(config, store, catalogue, result.code)
        assert reprint.result_delivery == original.result_delivery
        assert reprint.time_limit_text == original.time_limit_text
        assert reprint.fee_text == "Miễn lệ phí"  # the exempt group is personal: not kept
        assert "khuyết tật" not in str(store.find_by_code(result.code).slip_public)
    finally:
        store.close()
