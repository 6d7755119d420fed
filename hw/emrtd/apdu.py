"""Command and response APDUs (ISO 7816-4), short and extended length, and the transport seam.

The transport is the only thing that differs between a real reader (PC/SC), the virtual reader and
the in-process card emulator: it takes the bytes of one command APDU and returns the response
bytes including SW1 SW2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from hw.emrtd.errors import MalformedData

SW_OK = 0x9000
SHORT_MAX = 256
EXTENDED_MAX = 65536


class Transport(Protocol):
    def transmit(self, apdu: bytes) -> bytes:
        """Send one command APDU, return the response data followed by SW1 SW2."""
        ...


@dataclass(frozen=True)
class Command:
    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None
    """Bytes expected back: 1..256 short, up to 65536 extended; None for no Le field."""

    @property
    def extended(self) -> bool:
        return len(self.data) > 255 or (self.le is not None and self.le > SHORT_MAX)

    def encode(self) -> bytes:
        out = bytes([self.cla, self.ins, self.p1, self.p2])
        size = 2 if self.extended else 1
        if self.data:
            lc = len(self.data).to_bytes(size, "big")
            out += (b"\x00" + lc if size == 2 else lc) + self.data
        if self.le is not None:
            le = (self.le % (EXTENDED_MAX if size == 2 else SHORT_MAX)).to_bytes(size, "big")
            out += b"\x00" + le if size == 2 and not self.data else le
        return out

    def le_bytes(self) -> bytes:
        """The Le field's value alone, as secure messaging's DO97 carries it."""
        if self.le is None:
            return b""
        size = 2 if self.extended else 1
        return (self.le % (EXTENDED_MAX if size == 2 else SHORT_MAX)).to_bytes(size, "big")


@dataclass(frozen=True)
class Response:
    data: bytes
    sw: int

    @property
    def ok(self) -> bool:
        return self.sw == SW_OK


def parse_response(raw: bytes) -> Response:
    if len(raw) < 2:
        raise MalformedData("apdu", f"response of {len(raw)} bytes has no status word")
    return Response(bytes(raw[:-2]), int.from_bytes(raw[-2:], "big"))


def _le(raw: bytes, size: int) -> int:
    value = int.from_bytes(raw, "big")
    return value or (EXTENDED_MAX if size == 2 else SHORT_MAX)


def parse_command(raw: bytes) -> Command:
    """The inverse of :meth:`Command.encode` (the card emulator's side), all four cases."""
    if len(raw) < 4:
        raise MalformedData("apdu", f"command of {len(raw)} bytes")
    cla, ins, p1, p2 = raw[:4]
    body = raw[4:]
    if not body:
        return Command(cla, ins, p1, p2)
    if len(body) == 1:
        return Command(cla, ins, p1, p2, le=_le(body, 1))
    if body[0] != 0:
        lc = body[0]
        rest = body[1 + lc :]
        if len(body) < 1 + lc or len(rest) > 1:
            raise MalformedData("apdu", "Lc does not match the command length")
        return Command(cla, ins, p1, p2, body[1 : 1 + lc], _le(rest, 1) if rest else None)
    if len(body) == 3:
        return Command(cla, ins, p1, p2, le=_le(body[1:], 2))
    lc = int.from_bytes(body[1:3], "big")
    rest = body[3 + lc :]
    if len(body) < 3 + lc or len(rest) not in (0, 2):
        raise MalformedData("apdu", "extended Lc does not match the command length")
    return Command(cla, ins, p1, p2, body[3 : 3 + lc], _le(rest, 2) if rest else None)
