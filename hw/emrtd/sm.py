"""Secure messaging (ICAO 9303-11 §9.8): both directions, so the card emulator shares the code.

The send sequence counter (SSC) is incremented before every protected command and every protected
response. A response whose checksum does not verify is refused before anything in it is used.
"""

from __future__ import annotations

import hmac

from hw.emrtd import tlv
from hw.emrtd.apdu import EXTENDED_MAX, SHORT_MAX, Command, Response, parse_response
from hw.emrtd.errors import CardStatus, SecureMessagingError
from hw.emrtd.keys import SessionKeys, pad, unpad

SM_CLA = 0x0C


class SecureMessaging:
    """One session: its keys and SSC. ``protect``/``unprotect`` are the terminal's side."""

    def __init__(self, keys: SessionKeys, ssc: int) -> None:
        self.keys = keys
        self.ssc = ssc

    def _next(self) -> bytes:
        self.ssc = (self.ssc + 1) % (1 << (8 * self.keys.block))
        return self.ssc.to_bytes(self.keys.block, "big")

    def _checksum(self, ssc: bytes, message: bytes) -> bytes:
        return self.keys.mac(ssc + message)

    def _do87(self, ssc: bytes, data: bytes) -> bytes:
        return tlv.encode(0x87, b"\x01" + self.keys.encrypt(ssc, pad(data, self.keys.block)))

    def _open87(self, ssc: bytes, value: bytes) -> bytes:
        body = value[1:]
        if not value or value[0] != 1 or not body or len(body) % self.keys.block:
            raise SecureMessagingError("encrypted data object is not block-aligned")
        return unpad(self.keys.decrypt(ssc, body))

    def protect(self, command: Command) -> bytes:
        """The protected command APDU for ``command``."""
        ssc = self._next()
        header = bytes([command.cla | SM_CLA, command.ins, command.p1, command.p2])
        do87 = self._do87(ssc, command.data) if command.data else b""
        do97 = tlv.encode(0x97, command.le_bytes()) if command.le is not None else b""
        mac = self._checksum(ssc, pad(header, self.keys.block) + do87 + do97)
        body = do87 + do97 + tlv.encode(0x8E, mac)
        le = EXTENDED_MAX if command.extended or len(body) > 255 else SHORT_MAX
        return Command(header[0], command.ins, command.p1, command.p2, body, le).encode()

    def unprotect(self, raw: bytes, what: str) -> Response:
        """Check and decrypt a protected response; a plain error status raises CardStatus."""
        response = parse_response(raw)
        ssc = self._next()
        if not response.data:
            if response.ok:
                raise SecureMessagingError(f"{what}: unprotected success response")
            raise CardStatus(what, response.sw)
        objects, covered = _split(response.data)
        if 0x8E not in objects or 0x99 not in objects:
            raise SecureMessagingError(f"{what}: response lacks its checksum or status")
        if not hmac.compare_digest(self._checksum(ssc, covered), objects[0x8E]):
            raise SecureMessagingError(f"{what}: response checksum does not verify")
        inner = int.from_bytes(objects[0x99], "big")
        data = self._open87(ssc, objects[0x87]) if 0x87 in objects else b""
        return Response(data, inner)

    def unprotect_command(self, raw: Command) -> Command:
        """The card's side: check and decrypt a protected command."""
        ssc = self._next()
        objects, covered = _split(raw.data)
        header = bytes([raw.cla, raw.ins, raw.p1, raw.p2])
        expected = self._checksum(ssc, pad(header, self.keys.block) + covered)
        if 0x8E not in objects or not hmac.compare_digest(expected, objects[0x8E]):
            raise SecureMessagingError("command checksum does not verify")
        data = self._open87(ssc, objects[0x87]) if 0x87 in objects else b""
        le = None
        if 0x97 in objects:
            size = len(objects[0x97])
            le = int.from_bytes(objects[0x97], "big") or (EXTENDED_MAX if size == 2 else SHORT_MAX)
        return Command(raw.cla & ~SM_CLA, raw.ins, raw.p1, raw.p2, data, le)

    def protect_response(self, data: bytes, sw: int) -> bytes:
        """The card's side: a protected response carrying ``data`` and ``sw``."""
        ssc = self._next()
        do87 = self._do87(ssc, data) if data else b""
        do99 = tlv.encode(0x99, sw.to_bytes(2, "big"))
        mac = self._checksum(ssc, do87 + do99)
        return do87 + do99 + tlv.encode(0x8E, mac) + b"\x90\x00"


def _split(data: bytes) -> tuple[dict[int, bytes], bytes]:
    """Data objects by tag, and the raw bytes before DO8E (what its checksum covers)."""
    objects: dict[int, bytes] = {}
    pos, covered_end = 0, None
    while pos < len(data):
        start = pos
        item, pos = tlv.parse_one(data, pos)
        if item.tag in objects:
            raise SecureMessagingError(f"data object {item.tag:X} twice")
        if item.tag == 0x8E:
            covered_end = start
        objects[item.tag] = item.value
    return objects, data[: len(data) if covered_end is None else covered_end]
