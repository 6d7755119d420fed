"""BAC and 3DES secure messaging against the worked example of ICAO Doc 9303 part 11, Appendix D.

Every hex value below is the published one (D.2 key derivation, D.3 BAC, D.4 secure messaging).
The card's side of the example is replayed by a transport that checks each command byte for byte.
"""

from __future__ import annotations

import pytest

from hw.emrtd import bac
from hw.emrtd.apdu import Command, parse_command
from hw.emrtd.errors import AccessDenied, SecureMessagingError
from hw.emrtd.keys import ENC, MAC, kdf, session_keys
from hw.emrtd.sm import SecureMessaging

H = bytes.fromhex
MRZ_INFO = "L898902C<369080619406236"
RND_IC = H("4608F91988702212")
RND_IFD = H("781723860C06C226")
K_IFD = H("0B795240CB7049B01C19B33E32804F0B")
EXT_AUTH = H(
    "0082000028"
    "72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2"
    "5F1448EEA8AD90A7"
    "28"
)
EXT_AUTH_RESPONSE = H(
    "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F"
    "2F2D235D074D7449"
    "9000"
)


class Replay:
    """A card that answers a fixed script and fails the test on any unexpected command."""

    def __init__(self, script: list[tuple[bytes | None, bytes]]) -> None:
        self.script = list(script)

    def transmit(self, apdu: bytes) -> bytes:
        expected, answer = self.script.pop(0)
        if expected is not None:
            assert apdu.hex().upper() == expected.hex().upper()
        return answer


def test_mrz_information_and_key_seed():
    assert bac.mrz_information("L898902C", "690806", "940623") == MRZ_INFO
    assert bac.key_seed(MRZ_INFO) == H("239AB9CB282DAF66231DC5A4DF6BFBAE")


def test_basic_access_keys():
    seed = bac.key_seed(MRZ_INFO)
    assert kdf(seed, ENC, "3des") == H("AB94FDECF2674FDFB9B391F85D7F76F2")
    assert kdf(seed, MAC, "3des") == H("7962D9ECE03D1ACD4C76089DCE131543")


def _authenticated() -> SecureMessaging:
    card = Replay([(H("0084000008"), RND_IC + H("9000")), (EXT_AUTH, EXT_AUTH_RESPONSE)])
    randoms = iter([RND_IFD, K_IFD])
    sm = bac.mutual_authenticate(card, MRZ_INFO, random=lambda n: next(randoms))
    assert card.script == []
    return sm


def test_mutual_authentication_gives_the_published_session_keys_and_ssc():
    sm = _authenticated()
    assert sm.keys.enc == H("979EC13B1CBFE9DCD01AB0FED307EAE5")
    assert sm.keys.mac_key == H("F1CB1F1FB5ADF208806B89DC579DC1F8")
    assert sm.ssc == 0x887022120C06C226


def test_secure_messaging_select_and_read_ef_com():
    sm = _authenticated()
    select = sm.protect(Command(0, 0xA4, 0x02, 0x0C, H("011E")))
    assert select == H("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")
    assert sm.unprotect(H("990290008E08FA855A5D4C50A8ED9000"), "SELECT").ok

    read = sm.protect(Command(0, 0xB0, 0, 0, le=4))
    assert read == H("0CB000000D9701048E08ED6705417E96BA5500")
    first = sm.unprotect(H("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000"), "READ")
    assert first.data == H("60145F01")

    rest = sm.protect(Command(0, 0xB0, 0, 4, le=0x12))
    assert rest == H("0CB000040D9701128E082EA28A70F3C7B53500")
    second = sm.unprotect(
        H(
            "871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A"
            "990290008E08C8B2787EAEA07D749000"
        ),
        "READ",
    )
    assert second.data == H("04303130365F36063034303030305C026175")
    assert sm.ssc == 0x887022120C06C22C


def test_a_tampered_response_is_refused():
    sm = _authenticated()
    sm.protect(Command(0, 0xA4, 0x02, 0x0C, H("011E")))
    with pytest.raises(SecureMessagingError) as caught:
        sm.unprotect(H("990290008E08FA855A5D4C50A8EE9000"), "SELECT")
    assert caught.value.code == "chip.sm.invalid"


def test_a_wrong_mrz_key_is_refused_as_access_denied():
    card = Replay([(H("0084000008"), RND_IC + H("9000")), (None, H("6300"))])
    with pytest.raises(AccessDenied) as caught:
        bac.mutual_authenticate(card, bac.mrz_information("L898902C", "690806", "940624"))
    assert caught.value.code == "chip.access.bac"


def test_card_side_round_trip_matches_terminal_side():
    keys = session_keys(H("0036D272F5C350ACAC50C3F572D23600"), "3des")
    terminal, card = SecureMessaging(keys, 5), SecureMessaging(keys, 5)

    wire = terminal.protect(Command(0, 0xB0, 0, 4, le=0x12))
    assert card.unprotect_command(parse_command(wire)) == Command(0, 0xB0, 0, 4, le=0x12)
    assert terminal.unprotect(card.protect_response(b"hello", 0x9000), "READ").data == b"hello"
