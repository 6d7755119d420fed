"""A virtual CCCD chip: answers APDUs with the real protocol (PACE, BAC, secure messaging,
READ BINARY), from files built by :mod:`~hw.emrtd.issuer`. Tests, bench and demo talk to it
in-process through its ``transmit`` (it is a :class:`~hw.emrtd.apdu.Transport`).

It behaves like the reported cards: selecting the MF answers 6D00, EF.CardAccess is selected
directly, data files need a secure channel (6982 otherwise). ``lift_after`` makes the card vanish
after that many APDUs, as when a citizen lifts it too soon.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from ecdsa import curves
from ecdsa.ellipticcurve import PointJacobi

from hw.emrtd import bac, chipauth, issuer, pace, tlv
from hw.emrtd.apdu import SHORT_MAX, Command, parse_command
from hw.emrtd.errors import CardLost, ChipError, MalformedData
from hw.emrtd.files import DG_FID, EF_CARD_ACCESS, EF_COM, EF_SOD
from hw.emrtd.keys import (
    ENC,
    MAC,
    PACE_PI,
    KeyKind,
    SessionKeys,
    des3_cbc,
    kdf,
    nonce_cipher,
    pad,
    retail_mac,
    session_keys,
    token_mac,
)  # fmt: skip
from hw.emrtd.session import EMRTD_AID
from hw.emrtd.sm import SecureMessaging

Answer = tuple[bytes, int]
OK, NOT_FOUND, DENIED, WRONG_DATA = 0x9000, 0x6A82, 0x6982, 0x6A80


def card_access(oid: str, parameter_id: int) -> bytes:
    """EF.CardAccess announcing one PACE protocol."""
    version = tlv.encode(0x02, b"\x02")
    parameter = tlv.encode(0x02, bytes([parameter_id]))
    info = tlv.encode(0x06, pace.oid_value(oid)) + version + parameter
    return tlv.encode(0x31, tlv.encode(0x30, info))


@dataclass
class _Pace:
    kind: KeyKind
    oid: str
    parameter_id: int
    password: bytes
    nonce: bytes = b""
    generator: PointJacobi | None = None
    ours: PointJacobi | None = None
    theirs: PointJacobi | None = None
    keys: SessionKeys | None = None


@dataclass
class SimCard:
    files: dict[int, bytes]
    can: str | None = None
    mrz_info: str | None = None
    pace_oid: str | None = f"{pace.ID_PACE}.2.2"
    pace_parameter: int = 13
    extended: bool = False
    aa_key: ec.EllipticCurvePrivateKey | None = None
    """The chip's active-authentication key (its public half is DG15)."""
    ca_key: int | None = None
    """The chip's chip-authentication private scalar on ``ca_curve`` (its public half is DG14)."""
    ca_curve: curves.Curve = field(default_factory=lambda: curves.BRAINPOOLP256r1)
    ca_oid: str = f"{chipauth.ID_CA_ECDH}.2"
    _ca_ready: bool = field(default=False, repr=False)
    open_files: bool = False
    """Data files readable without a secure channel: only the bench's baseline sets it."""
    applications: tuple[bytes, ...] = (EMRTD_AID,)
    """A bank card has others (EMV), not the eMRTD one."""
    lift_after: int | None = None
    random: Callable[[int], bytes] = os.urandom
    apdus: int = 0
    sm: SecureMessaging | None = None
    selected: int | None = None
    application: bool = False
    challenge: bytes = b""
    _pace: _Pace | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.pace_oid and self.can:
            self.files[EF_CARD_ACCESS] = card_access(self.pace_oid, self.pace_parameter)

    def transmit(self, apdu: bytes) -> bytes:
        self.apdus += 1
        if self.lift_after is not None and self.apdus > self.lift_after:
            raise CardLost("the virtual card was lifted")
        try:
            command = parse_command(apdu)
        except MalformedData:
            return b"\x67\x00"
        session = self.sm
        if command.cla & 0x0C:
            if session is None:
                return b"\x69\x88"
            try:
                command = session.unprotect_command(command)
            except ChipError:
                self.sm = None
                return b"\x69\x88"
        else:
            self.sm = session = None
        data, sw = self._dispatch(command)
        if session is not None:
            return session.protect_response(data, sw)
        return data + sw.to_bytes(2, "big")

    def _dispatch(self, command: Command) -> Answer:
        handlers: dict[int, Callable[[Command], Answer]] = {
            0xA4: self._select, 0xB0: self._read, 0x84: self._get_challenge,
            0x82: self._external_authenticate, 0x22: self._set_at, 0x86: self._general_authenticate,
            0x88: self._internal_authenticate,
        }  # fmt: skip
        handler = handlers.get(command.ins)
        if handler is None:
            return b"", 0x6D00
        try:
            return handler(command)
        except ChipError:
            self._pace = None
            return b"", WRONG_DATA

    def _select(self, command: Command) -> Answer:
        if command.p1 == 0x04:
            self.application = command.data in self.applications
            return b"", OK if self.application else NOT_FOUND
        if command.p1 != 0x02 or len(command.data) != 2:
            return b"", 0x6D00  # the reported quirk: no MF selection
        fid = int.from_bytes(command.data, "big")
        if fid not in self.files or (fid != EF_CARD_ACCESS and not self.application):
            return b"", NOT_FOUND
        self.selected = fid
        return b"", OK

    def _read(self, command: Command) -> Answer:
        if self.selected is None:
            return b"", 0x6986
        if self.selected != EF_CARD_ACCESS and self.sm is None and not self.open_files:
            return b"", DENIED
        if (command.le or 0) > SHORT_MAX and not self.extended:
            return b"", 0x6700
        content, offset = self.files[self.selected], (command.p1 << 8) | command.p2
        if command.p1 & 0x80 or offset > len(content):
            return b"", 0x6B00
        chunk = content[offset : offset + (command.le or SHORT_MAX)]
        return chunk, OK if len(chunk) == command.le else 0x6282

    def _get_challenge(self, command: Command) -> Answer:
        self.challenge = self.random(8)
        return self.challenge, OK

    def _external_authenticate(self, command: Command) -> Answer:
        if self.mrz_info is None or len(command.data) != 40 or not self.challenge:
            return b"", DENIED
        seed = bac.key_seed(self.mrz_info)
        k_enc, k_mac = kdf(seed, ENC, "3des"), kdf(seed, MAC, "3des")
        e_ifd, m_ifd = command.data[:32], command.data[32:]
        plain = des3_cbc(k_enc, e_ifd, decrypt=True)
        if retail_mac(k_mac, pad(e_ifd, 8)) != m_ifd or plain[8:16] != self.challenge:
            return b"", 0x6300
        rnd_ifd, k_ifd, k_ic = plain[:8], plain[16:], self.random(16)
        e_ic = des3_cbc(k_enc, self.challenge + rnd_ifd + k_ic)
        seed_s = bytes(a ^ b for a, b in zip(k_ifd, k_ic, strict=True))
        ssc = int.from_bytes(self.challenge[4:] + rnd_ifd[4:], "big")
        self.sm, self.challenge = SecureMessaging(session_keys(seed_s, "3des"), ssc), b""
        return e_ic + retail_mac(k_mac, pad(e_ic, 8)), OK

    def _internal_authenticate(self, command: Command) -> Answer:
        if self.aa_key is None or self.sm is None:
            return b"", 0x6D00 if self.aa_key is None else DENIED
        r, s = decode_dss_signature(self.aa_key.sign(command.data, ec.ECDSA(hashes.SHA256())))
        size = (self.aa_key.curve.key_size + 7) // 8
        return r.to_bytes(size, "big") + s.to_bytes(size, "big"), OK

    def _set_at(self, command: Command) -> Answer:
        fields = {item.tag: item.value for item in tlv.parse_all(command.data)}
        oid = pace.dotted(fields.get(0x80, b""))
        if command.p1 == 0x41:  # chip authentication, inside the PACE or BAC session
            self._ca_ready = self.ca_key is not None and oid == self.ca_oid and self.sm is not None
            return b"", OK if self._ca_ready else 0x6A80
        reference = fields.get(0x83, b"\x00")[0]
        if oid != self.pace_oid or oid not in pace.ECDH_GM:
            return b"", 0x6A80
        if reference == pace.PASSWORD_CAN and self.can:
            password = pace.can_password(self.can)
        elif reference == pace.PASSWORD_MRZ and self.mrz_info:
            password = pace.mrz_password(self.mrz_info)
        else:
            return b"", 0x6A88
        self._pace = _Pace(pace.ECDH_GM[oid], oid, self.pace_parameter, password)
        return b"", OK

    def _general_authenticate(self, command: Command) -> Answer:
        if self._ca_ready:
            return self._chip_authenticate(command)
        state = self._pace
        if state is None:
            return b"", 0x6985
        items = tlv.decode(command.data, 0x7C).children()
        tag, value = (items[0].tag, items[0].value) if items else (0x80, b"")
        curve = pace.CURVES[state.parameter_id]
        if tag == 0x80 and not state.nonce:
            state.nonce = self.random(8 if state.kind == "3des" else 16)
            key = kdf(state.password, PACE_PI, state.kind)
            return _answer(0x80, nonce_cipher(state.kind, key, state.nonce, decrypt=False))
        if tag == 0x81 and state.generator is None:
            sk_map = pace.random_scalar(curve, "mapping")
            peer = pace.decode_point(curve, value)
            state.generator = pace.mapped_generator(curve, state.nonce, sk_map, peer)
            return _answer(0x82, pace.encode_point(curve.generator * sk_map))
        if tag == 0x83 and state.generator is not None and state.keys is None:
            sk = pace.random_scalar(curve, "agreement")
            state.theirs, state.ours = pace.decode_point(curve, value), state.generator * sk
            state.keys = session_keys(pace.shared_secret(curve, sk, state.theirs), state.kind)
            return _answer(0x84, pace.encode_point(state.ours))
        if tag == 0x85 and state.keys is not None and command.cla == 0:
            return self._finish_pace(state, value)
        self._pace = None
        return b"", 0x6985

    def _chip_authenticate(self, command: Command) -> Answer:
        """Agree the new keys with the terminal's ephemeral key; this answer still goes out under
        the old session (``transmit`` holds it), every later one under the new keys."""
        self._ca_ready = False
        items = tlv.decode(command.data, 0x7C).children()
        if len(items) != 1 or items[0].tag != 0x80 or self.ca_key is None:
            return b"", 0x6A80
        peer = pace.decode_point(self.ca_curve, items[0].value)
        secret = pace.shared_secret(self.ca_curve, self.ca_key, peer)
        self.sm = SecureMessaging(session_keys(secret, chipauth.CA_KINDS[self.ca_oid]), 0)
        return tlv.encode(0x7C, b""), OK

    def _finish_pace(self, state: _Pace, token: bytes) -> Answer:
        assert state.keys is not None
        self._pace = None
        mac_key = state.keys.mac_key
        if token != token_mac(state.kind, mac_key, pace.public_key_object(state.oid, state.ours)):
            return b"", 0x6300  # wrong password: the terminal derived other keys
        self.sm = SecureMessaging(state.keys, 0)
        return _answer(
            0x86, token_mac(state.kind, mac_key, pace.public_key_object(state.oid, state.theirs))
        )


def _answer(tag: int, value: bytes) -> Answer:
    return tlv.encode(0x7C, tlv.encode(tag, value)), OK


def virtual_cccd(
    signer: issuer.Authority,
    fields: dict[int, tuple[str, ...]],
    *,
    birth: str,
    expiry: str,
    sex: str = "F",
    names: str = "NGUYEN<<THI<LAN",
    pace_oid: str | None = f"{pace.ID_PACE}.2.2",
    aa_key: ec.EllipticCurvePrivateKey | None = None,
    face: bytes | None = None,
    ca_key: int | None = None,
) -> SimCard:
    """A CCCD for the person in ``fields`` (DG13 layout), signed by ``signer``: the CAN and the
    BAC data both follow from ``fields[1]``, the 12-digit number. ``face``: DG2's content."""
    id_number = fields[1][0]
    dg1 = issuer.encode_dg1(issuer.td1(id_number[-9:], birth, sex, expiry, names, id_number))
    dg13 = issuer.encode_dg13(fields)
    groups = {1: dg1, 13: dg13}
    if face is not None:
        groups[2] = tlv.encode(0x75, face)
    if ca_key is not None:
        curve = curves.BRAINPOOLP256r1
        groups[14] = issuer.encode_dg14(curve, curve.generator * ca_key)
    if aa_key is not None:
        groups[15] = issuer.encode_dg15(aa_key.public_key())
    files = {DG_FID[n]: data for n, data in groups.items()}
    files[EF_COM] = issuer.encode_com(sorted(groups))
    files[EF_SOD] = issuer.sign_sod(groups, signer)
    mrz = bac.mrz_information(id_number[-9:], birth, expiry)
    return SimCard(files, can=id_number[-6:], mrz_info=mrz, pace_oid=pace_oid, aa_key=aa_key,
                   ca_key=ca_key)
