"""The kiosk's chip use case (appliance.app.chip) on the simulated reader: the chip's identity and
its assurance, the QR/chip mismatch, the face read only when configured, every bad card refused
with its own code, a Vietnamese message and what the screen offers next."""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from appliance.app import chip
from appliance.app.chipcard import chip_card, demo_signer, dg13_fields
from appliance.config import parse
from appliance.domain.idcard import parse_card_qr
from appliance.domain.identity import Assurance, Identity, IdentitySource
from hw.cardreader.sim import SimCardReader
from hw.emrtd import issuer, simcard
from hw.emrtd.files import DG_FID

QR = "001088012345||Nguyễn Thị Mẫu|15031988|Nữ|Thôn Thử, xã Mẫu, tỉnh Mẫu|01012022"
NOW = dt.datetime.now(dt.UTC)


@pytest.fixture(scope="module")
def person() -> Identity:
    result = parse_card_qr(QR)
    assert isinstance(result, Identity)
    return result


@pytest.fixture
def trust(tmp_path: Path, authority) -> Path:
    folder = tmp_path / "truststore"
    folder.mkdir()
    pem = authority[0].cert.public_bytes(serialization.Encoding.PEM)
    (folder / "csca.pem").write_bytes(pem)
    return folder


def policy(folder: Path, **kw: bool) -> chip.ChipPolicy:
    return chip.ChipPolicy(folder, **kw)


def read(card: simcard.SimCard, qr: Identity, folder: Path, **kw: bool) -> Identity:
    return chip.read_identity(SimCardReader(card), qr, policy(folder, **kw), NOW)


def test_the_chip_identity_wins_and_is_active_authenticated(person, authority, trust):
    chip_person = dataclasses.replace(person, full_name="Nguyễn Thị Mẫu Chip")
    progress: list[float] = []
    found = chip.read_identity(SimCardReader(chip_card(chip_person, authority[1])), person,
                               policy(trust), NOW, progress=progress.append)
    assert found.source is IdentitySource.CHIP and found.full_name == "Nguyễn Thị Mẫu Chip"
    assert (found.id_number, found.birth_date, found.sex) == (
        "001088012345", dt.date(1988, 3, 15), "Nữ")
    assert found.address == person.address and found.issue_date == dt.date(2022, 1, 1)
    assert found.assurance_level is Assurance.CHIP_ACTIVE
    assert found.source_text == "chip, verified"
    assert progress == sorted(progress) and 0 < progress[-1] <= 0.95
    payload = found.to_payload()
    assert payload["NguonDinhDanh"] == "chip"
    assert payload["MucDoXacThucDinhDanh"] == "chip_active_authenticated"
    assert payload["XacThucChip"] == "chip, verified" and "AnhChanDungChip" not in payload


def test_without_active_authentication_it_is_passive(person, authority, trust):
    found = read(chip_card(person, authority[1], active=False), person, trust)
    assert found.assurance_level is Assurance.CHIP_PASSIVE


def test_chip_authentication_alone_proves_the_chip_genuine(person, authority, trust):
    card = chip_card(person, authority[1], active=False, chip_auth=True)
    assert read(card, person, trust).assurance_level is Assurance.CHIP_ACTIVE
    clone = chip_card(person, authority[1], active=False, chip_auth=True)
    clone.ca_key = 7  # the signed DG14 on a chip without its private key
    with pytest.raises(Exception) as caught:
        read(clone, person, trust)
    refusal = chip.refusal(caught.value)
    assert (refusal.code, refusal.next) == ("chip.ca.failed", chip.Next.STAFF)


@pytest.mark.parametrize("make, problem", [
    (lambda root: root / "nowhere", "chip.trust_store.missing"),
    (lambda root: root, "chip.trust_store.empty"),
])
def test_no_trust_store_reads_but_says_not_verified(person, authority, tmp_path, make, problem):
    found = read(chip_card(person, authority[1]), person, make(tmp_path))
    assert found.assurance_level is Assurance.CHIP_READ
    assert found.source_text == f"chip, not verified: {problem}"
    assert found.to_payload()["XacThucChip"] == f"chip, not verified: {problem}"


def test_qr_and_qr_only_levels(person):
    assert person.assurance_level is Assurance.QR
    assert person.to_payload()["MucDoXacThucDinhDanh"] == "qr"
    assert chip.qr_only(person).to_payload()["XacThucChip"] is None
    typed = dataclasses.replace(person, source=IdentitySource.MANUAL)
    assert typed.assurance_level is Assurance.MANUAL


def _selected(card: simcard.SimCard) -> list[int]:
    """Record every file the card is asked to select (inside secure messaging too)."""
    seen: list[int] = []
    select = card._select

    def spy(command):
        if command.p1 == 0x02:
            seen.append(int.from_bytes(command.data, "big"))
        return select(command)

    card._select = spy  # type: ignore[method-assign]
    return seen


def test_the_face_is_not_even_selected_unless_configured(person, authority, trust):
    face = b"\xff\xd8synthetic face\xff\xd9"
    card = chip_card(person, authority[1], face=face)
    seen = _selected(card)
    found = read(card, person, trust)
    assert DG_FID[2] not in seen and DG_FID[13] in seen and found.face is None
    card = chip_card(person, authority[1], face=face)
    seen = _selected(card)
    found = read(card, person, trust, read_face=True)
    assert DG_FID[2] in seen and found.face is not None and face in found.face
    assert "AnhChanDungChip" in found.to_payload()


def test_config_turns_the_face_on_and_qr_only_off():
    config = parse('[identity]\nread_face = true\nallow_qr_only = false\n'
                   'trust_store = "/srv/ts"\n', "t")
    assert chip.ChipPolicy.of(config) == chip.ChipPolicy(Path("/srv/ts"), True, False)
    default = chip.ChipPolicy.of(parse("", "t"))
    assert (default.read_face, default.allow_qr_only) == (False, True)


def _other_person(person: Identity, number: str) -> Identity:
    return dataclasses.replace(person, id_number=number)


def _changed_after_signing(person, authority):
    card = chip_card(person, authority[1])
    fields = dg13_fields(person) | {2: ("Người Khác",)}
    card.files[DG_FID[13]] = issuer.encode_dg13(fields)
    return card


def _signed_by(person, signer):
    return chip_card(person, signer)


BAD_CARDS = {
    # name: (card maker (person, authority) → card, qr number or None, code, next)
    "wrong_can": (lambda p, a: chip_card(_other_person(p, "001088099999"), a[1]), None,
                  "chip.access.pace", chip.Next.UNREADABLE),
    "mismatch": (lambda p, a: chip_card(_other_person(p, "079188012345"), a[1]), None,
                 "chip.mismatch", chip.Next.STAFF),
    "dg_changed": (_changed_after_signing, None, "chip.pa.dg_hash", chip.Next.STAFF),
    "unknown_csca": (lambda p, a: _signed_by(p, issuer.make_signer(issuer.make_csca("X"))),
                     None, "chip.pa.unknown_csca", chip.Next.STAFF),
    "expired_ds": (lambda p, a: _signed_by(p, issuer.make_signer(a[0], days=(-30, -1))), None,
                   "chip.pa.ds_expired", chip.Next.STAFF),
    "lifted": (lambda p, a: dataclasses.replace(chip_card(p, a[1]), lift_after=9), None,
               "chip.lifted", chip.Next.RETRY),
    "bank_card": (lambda p, a: dataclasses.replace(chip_card(p, a[1]), applications=()), None,
                  "chip.not_id_card", chip.Next.UNREADABLE),
    "malformed_tlv": (lambda p, a: _lying_length(chip_card(p, a[1])), None,
                      "chip.malformed.tlv", chip.Next.UNREADABLE),
}


def _lying_length(card: simcard.SimCard) -> simcard.SimCard:
    dg13 = card.files[DG_FID[13]]
    card.files[DG_FID[13]] = dg13[:1] + b"\x84\x7f\xff\xff\xff" + dg13[4:]
    return card


@pytest.mark.parametrize("name", sorted(BAD_CARDS))
def test_every_bad_card_is_refused_with_its_code_and_vietnamese(name, person, authority, trust):
    make, _, code, step = BAD_CARDS[name]
    card = make(person, authority)
    with pytest.raises(Exception) as caught:
        read(card, person, trust)
    refusal = chip.refusal(caught.value)
    assert (refusal.code, refusal.next) == (code, step)
    assert refusal.reason_vi and unicodedata.is_normalized("NFC", refusal.reason_vi)
    assert "001088012345" not in refusal.reason_en + refusal.reason_vi  # no personal data


def test_a_revoked_signer_is_refused(person, authority, trust, tmp_path):
    csca, _ = authority
    signer = issuer.make_signer(csca, "DS revoked")
    crl = issuer.make_crl(csca, [signer.cert.serial_number])
    (trust / "vn.crl").write_bytes(crl.public_bytes(serialization.Encoding.PEM))
    with pytest.raises(Exception) as caught:
        read(chip_card(person, signer), person, trust)
    assert chip.refusal(caught.value).code == "chip.pa.ds_revoked"


def test_messages_differ_between_the_verification_failures():
    from hw.emrtd.errors import VerificationError

    texts = {VerificationError(w, "x").reason_vi
             for w in ("dg_hash", "unknown_csca", "ds_expired", "ds_revoked", "signature")}
    assert len(texts) == 5


def test_an_unexpected_error_is_unreadable_not_a_crash():
    assert chip.refusal(ValueError("bug")).next is chip.Next.UNREADABLE


def test_waiting_for_a_card_stops_when_cancelled():
    calls = iter([False, False, True])
    assert chip.wait_for_card(SimCardReader(), lambda: next(calls), step_s=0.01) is False


def test_the_demo_authority_is_made_once_and_installed(tmp_path, person):
    signer = demo_signer(tmp_path / "sim", tmp_path / "ts")
    again = demo_signer(tmp_path / "sim", tmp_path / "ts")
    assert signer.cert == again.cert and (tmp_path / "ts" / "demo-csca.pem").is_file()
    found = read(chip_card(person, again), person, tmp_path / "ts")
    assert found.assurance_level is Assurance.CHIP_ACTIVE
    assert isinstance(signer.key, ec.EllipticCurvePrivateKey)
