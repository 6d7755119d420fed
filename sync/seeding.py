"""Synthetic finalized dossiers for sync tests and ``bench/sync.py``.

Goes through the real ``appliance.submission.finalize`` (sealing, signing, durable blobs), with
synthetic people only. Pages are random bytes behind a PDF header: incompressible, like scans.
"""

from __future__ import annotations

import random
from pathlib import Path

from appliance.crypto import DeviceKey
from appliance.domain.dossier import Draft, Page
from appliance.domain.identity import Identity, IdentitySource
from appliance.store import Store
from appliance.submission import FinalizeContext, FinalizeResult, ProcedureInfo, finalize

PROCEDURE = ("1.001193", "Đăng ký khai sinh")
COMPONENTS = {"TP1": "Tờ khai đăng ký khai sinh", "TP2": "Giấy chứng sinh"}
PEOPLE = [
    ("079301004321", "Trần Thị Bích Ngọc", "Số 12, đường Lê Lợi, phường Bến Thành, TP. HCM"),
    ("001088007654", "Nguyễn Văn Hùng", "Thôn Đông, xã Yên Sở, huyện Hoài Đức, Hà Nội"),
    ("038195002468", "Lê Thị Hằng", "Xóm 3, xã Quảng Phú, huyện Quảng Xương, Thanh Hóa"),
]


def context(store: Store, portal_public_key_b64: str, *, kiosk_id: str = "K01",
            unit_code: str = "000.00.00.H56", procedure_code: str = PROCEDURE[0]
            ) -> FinalizeContext:
    device = DeviceKey.load_or_create(store.data_dir / "secrets" / "device.key")
    return FinalizeContext(
        kiosk_id=kiosk_id, unit_code=unit_code, unit_name="UBND xã Mẫu",
        portal_public_key_b64=portal_public_key_b64,
        device_key_public_b64=device.public_key_b64, sign=device.sign,
        procedure=lambda code: ProcedureInfo(code, PROCEDURE[1], COMPONENTS)
        if code == procedure_code else None,
        due_date=lambda code, received: None,
    )


def draft(rng: random.Random, *, pages: int, page_size: int,
          procedure_code: str = PROCEDURE[0]) -> Draft:
    id_number, name, address = rng.choice(PEOPLE)
    identity = Identity(id_number=id_number, full_name=name, birth_date=None,
                        sex="Nữ" if "Thị" in name else "Nam", address=address,
                        source=IdentitySource.CARD_QR)
    scans = [Page(b"%PDF-1.4\n" + rng.randbytes(page_size)) for _ in range(pages)]
    return Draft(procedure_code=procedure_code, identity=identity,
                 form={"ho_ten_tre": "Trần Minh Khôi", "noi_sinh": address},
                 pages={"TP1": scans[:1], "TP2": scans[1:]} if pages > 1 else {"TP1": scans},
                 phone="0912345678")


def seed(data_dir: Path, portal_public_key_b64: str, count: int, *, pages: int = 3,
         page_size: int = 10_000, seed: int = 0, procedure_code: str = PROCEDURE[0],
         kiosk_id: str = "K01") -> list[FinalizeResult]:
    """Finalize ``count`` synthetic dossiers into the store at ``data_dir``."""
    rng = random.Random(seed)
    store = Store.open(data_dir)
    try:
        ctx = context(store, portal_public_key_b64, kiosk_id=kiosk_id,
                      procedure_code=procedure_code)
        return [finalize(store, draft(rng, pages=pages, page_size=page_size,
                                      procedure_code=procedure_code), ctx)
                for _ in range(count)]
    finally:
        store.close()
