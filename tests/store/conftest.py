"""Fixtures for store tests: a real store in a temp folder, a portal key held outside it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from appliance.clock import Clock
from appliance.crypto import DeviceKey, PortalKey
from appliance.domain.dossier import Draft, Page
from appliance.domain.identity import Identity, IdentitySource
from appliance.store import Store
from appliance.submission import FinalizeContext, ProcedureInfo

SYNTHETIC_PEOPLE = [
    (
        "079301004321",
        "Trần Thị Bích Ngọc",
        "Số 12, đường Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh",
    ),
    ("001088007654", "Nguyễn Văn Hùng", "Thôn Đông, xã Yên Sở, huyện Hoài Đức, Hà Nội"),
    ("038195002468", "Lê Thị Hằng", "Xóm 3, xã Quảng Phú, huyện Quảng Xương, Thanh Hóa"),
]


def make_context(portal: PortalKey, device: DeviceKey, due=None) -> FinalizeContext:
    names = {"TP1": "Tờ khai đăng ký khai sinh", "TP2": "Giấy chứng sinh"}
    return FinalizeContext(
        kiosk_id="K01",
        unit_code="000.00.00.H56",
        unit_name="UBND xã Mẫu",
        portal_public_key_b64=portal.public_key_b64,
        device_key_public_b64=device.public_key_b64,
        sign=device.sign,
        procedure=lambda code: (
            ProcedureInfo(code, "Đăng ký khai sinh", names) if code == "1.001193" else None
        ),
        due_date=due or (lambda code, received, answers: None),
    )


def make_draft(rng: random.Random, pages: int = 3, page_size: int = 20_000) -> Draft:
    id_number, name, address = rng.choice(SYNTHETIC_PEOPLE)
    identity = Identity(
        id_number=id_number,
        full_name=name,
        birth_date=None,
        sex="Nữ" if "Thị" in name else "Nam",
        address=address,
        source=IdentitySource.CARD_QR,
        raw=f"{id_number}||{name}|01011990|Nam|{address}|01012022",
    )
    scans = [
        Page(f"%PDF-1.4 scan of {name} page {i} ".encode() + rng.randbytes(page_size))
        for i in range(pages)
    ]
    return Draft(
        procedure_code="1.001193",
        identity=identity,
        form={"ho_ten_tre": "Trần Minh Khôi", "noi_sinh": address},
        pages={"TP1": scans[:1], "TP2": scans[1:]},
        phone="0912345678",
    )


@pytest.fixture
def portal_key() -> PortalKey:
    return PortalKey.generate()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def device_key(tmp_path: Path) -> DeviceKey:
    return DeviceKey.load_or_create(tmp_path / "data" / "secrets" / "device.key")


@pytest.fixture
def store(data_dir: Path):
    s = Store.open(data_dir, reserve_mb=0, clock=Clock("host"))
    yield s
    s.close()


@pytest.fixture
def ctx(portal_key: PortalKey, device_key: DeviceKey) -> FinalizeContext:
    return make_context(portal_key, device_key)
