"""PACE ECDH generic mapping against ICAO Doc 9303-11 Appendix G.1 (brainpoolP256r1, AES-128,
MRZ password of document T22000129): every command byte for byte, and the session keys."""

from __future__ import annotations

import pytest

from hw.emrtd import bac, pace
from hw.emrtd.errors import AccessDenied
from hw.emrtd.files import Channel
from hw.emrtd.keys import PACE_PI, kdf
from tests.emrtd.test_icao_vectors import Replay

H = bytes.fromhex
CARD_ACCESS = H("31143012060A04007F0007020204020202010202010D")
MRZ_INFO = bac.mrz_information("T22000129", "640812", "101031")
SK_MAP = 0x7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99
SK_AGREE = 0xA73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595
PK_MAP_IFD = (
    "047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E"
    "544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D"
)
PK_MAP_IC = (
    "04824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F57"
    "30D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54"
)
PK_IFD = (
    "042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C"
    "3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462"
)
PK_IC = (
    "049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB"
    "7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094"
)
SCRIPT: list[tuple[bytes | None, bytes]] = [
    (H("0022C1A412800A04007F0007020204020283010184010D"), H("9000")),
    (H("10860000027C0000"), H("7C12801095A3A016522EE98D01E76CB6B98B42C39000")),
    (H("10860000457C438141" + PK_MAP_IFD + "00"), H("7C438241" + PK_MAP_IC + "9000")),
    (H("10860000457C438341" + PK_IFD + "00"), H("7C438441" + PK_IC + "9000")),
    (H("008600000C7C0A8508C2B0BD78D94BA86600"), H("7C0A86083ABB9674BCE93C089000")),
]


def _fixed(curve, step: str) -> int:
    return SK_MAP if step == "mapping" else SK_AGREE


def test_card_access_names_ecdh_gm_aes128_on_brainpool_p256():
    [info] = pace.parse_card_access(CARD_ACCESS)
    assert info == pace.PaceInfo("0.4.0.127.0.7.2.2.4.2.2", 2, 13)
    assert info.supported


def test_password_key():
    password = pace.mrz_password(MRZ_INFO)
    assert password == H("7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD")
    assert kdf(password, PACE_PI, "aes128") == H("89DED1B26624EC1E634C1989302849DD")


def test_the_worked_example_end_to_end():
    card = Replay(list(SCRIPT))
    [info] = pace.parse_card_access(CARD_ACCESS)
    sm = pace.establish(
        Channel(card), pace.mrz_password(MRZ_INFO), pace.PASSWORD_MRZ, info, _fixed
    )
    assert card.script == []
    assert sm.keys.enc == H("F5F0E35C0D7161EE6724EE513A0D9A7F")
    assert sm.keys.mac_key == H("FE251C7858B356B24514B3BD5F4297D1")
    assert sm.ssc == 0


def test_a_wrong_password_is_refused_by_the_card():
    script = [*SCRIPT[:-1], (None, H("6300"))]
    [info] = pace.parse_card_access(CARD_ACCESS)
    with pytest.raises(AccessDenied) as caught:
        pace.establish(
            Channel(Replay(script)), pace.mrz_password(MRZ_INFO), pace.PASSWORD_MRZ, info, _fixed
        )
    assert caught.value.code == "chip.access.pace"


def test_a_wrong_card_token_is_refused():
    script = [*SCRIPT[:-1], (None, H("7C0A86083ABB9674BCE93C099000"))]
    [info] = pace.parse_card_access(CARD_ACCESS)
    with pytest.raises(AccessDenied):
        pace.establish(
            Channel(Replay(script)), pace.mrz_password(MRZ_INFO), pace.PASSWORD_MRZ, info, _fixed
        )
