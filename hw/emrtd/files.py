"""Selecting and reading elementary files in chunks, through secure messaging once it is up.

A file is read with as few READ BINARY commands as its size allows at ``max_read`` bytes each: the
first read asks for a full chunk and learns the file's total size from its TLV header. Offsets
above 32 767 need READ BINARY with odd INS (only DG2/DG3 grow that large; not read here).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hw.emrtd import tlv
from hw.emrtd.apdu import Command, Response, Transport, parse_response
from hw.emrtd.errors import CardStatus, MalformedData, UnsupportedCard
from hw.emrtd.sm import SecureMessaging

SHORT_READ = 0xDF
"""The largest short-length read whose protected response still fits 256 bytes (3DES or AES)."""
MAX_OFFSET = 0x7FFF
MAX_FILE = 0x10000
SW_END_OF_FILE = 0x6282

EF_COM, EF_SOD, EF_CARD_ACCESS = 0x011E, 0x011D, 0x011C
DG_FID = {n: 0x0100 + n for n in range(1, 17)}
"""DG1 is 0101 … DG16 is 0110 (9303-10 §4.6)."""


@dataclass
class Counters:
    """What a read cost on the wire: the bench's figures."""

    apdus: int = 0
    sent: int = 0
    received: int = 0
    trace: list[tuple[bytes, bytes]] = field(default_factory=list)


class Channel:
    """Commands to the card, protected once a secure-messaging session is set."""

    def __init__(self, transport: Transport, *, record: bool = False) -> None:
        self.transport = transport
        self.sm: SecureMessaging | None = None
        self.counters = Counters()
        self.record = record

    def _wire(self, raw: bytes) -> bytes:
        answer = self.transport.transmit(raw)
        self.counters.apdus += 1
        self.counters.sent += len(raw)
        self.counters.received += len(answer)
        if self.record:
            self.counters.trace.append((raw, answer))
        return answer

    def transmit(self, apdu: bytes) -> bytes:
        """Plain APDUs counted like the rest (the channel is itself a transport, for BAC)."""
        return self._wire(apdu)

    def send(self, command: Command, what: str) -> Response:
        if self.sm is None:
            return parse_response(self._wire(command.encode()))
        return self.sm.unprotect(self._wire(self.sm.protect(command)), what)

    def select(self, fid: int) -> None:
        """SELECT EF by file identifier, no answer data (P2 = 0C)."""
        answer = self.send(Command(0, 0xA4, 0x02, 0x0C, fid.to_bytes(2, "big")), "SELECT")
        if not answer.ok:
            raise CardStatus(f"SELECT {fid:04X}", answer.sw)

    def read_binary(self, offset: int, length: int) -> bytes:
        if offset > MAX_OFFSET:
            raise UnsupportedCard(f"file offset {offset} needs READ BINARY with odd INS")
        answer = self.send(Command(0, 0xB0, offset >> 8, offset & 0xFF, le=length), "READ")
        if answer.sw >> 8 == 0x6C and length != (answer.sw & 0xFF or 256):
            return self.read_binary(offset, answer.sw & 0xFF or 256)
        if answer.sw not in (0x9000, SW_END_OF_FILE) or not answer.data:
            raise CardStatus(f"READ BINARY at {offset}", answer.sw)
        if len(answer.data) > length:
            raise MalformedData("apdu", f"asked {length} bytes, card sent {len(answer.data)}")
        return answer.data

    def read_file(self, fid: int, max_read: int = SHORT_READ) -> bytes:
        """The whole TLV-encoded file ``fid``."""
        self.select(fid)
        data = self.read_binary(0, max_read)
        total = tlv.header_length(data)
        if total > MAX_FILE:
            raise MalformedData("tlv", f"file {fid:04X} claims {total} bytes")
        while len(data) < total:
            data += self.read_binary(len(data), min(max_read, total - len(data)))
        return data[:total]
