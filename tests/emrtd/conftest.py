"""A synthetic citizen and a test issuing authority (CSCA, document signer), built once."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hw.emrtd import issuer

FIELDS: dict[int, tuple[str, ...]] = {
    1: ("001090012345",),
    2: ("Nguyễn Thị Lan",),
    3: ("01/01/1990",),
    4: ("Nữ",),
    5: ("Việt Nam",),
    6: ("Kinh",),
    7: ("Không",),
    8: ("Xã Yên Sở, Hoài Đức, Hà Nội",),
    9: ("Thôn 3, Xã Yên Sở, Hoài Đức, Hà Nội",),
    10: ("Nốt ruồi C:1cm trên trước cằm",),
    11: ("01/07/2021",),
    12: ("01/01/2030",),
    13: ("Nguyễn Văn An", "Trần Thị Bình"),
    14: ("",),
    15: ("012345678",),
}


@dataclass(frozen=True)
class Card:
    csca: issuer.Authority
    signer: issuer.Authority
    dg1: bytes
    dg13: bytes
    sod: bytes


@pytest.fixture(scope="session")
def authority() -> tuple[issuer.Authority, issuer.Authority]:
    csca = issuer.make_csca()
    return csca, issuer.make_signer(csca)


@pytest.fixture(scope="session")
def card(authority: tuple[issuer.Authority, issuer.Authority]) -> Card:
    csca, signer = authority
    dg1 = issuer.encode_dg1(issuer.td1("090012345", "900101", "F", "300101", "NGUYEN<<THI<LAN"))
    dg13 = issuer.encode_dg13(FIELDS)
    return Card(csca, signer, dg1, dg13, issuer.sign_sod({1: dg1, 13: dg13}, signer))
