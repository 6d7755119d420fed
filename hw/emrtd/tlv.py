"""BER-TLV as ICAO 9303 and ISO 7816-4 use it, strict: every length checked, depth bounded.

Tags are returned as integers of their bytes (``0x5F1F``), values as bytes. Anything that does not
fit (a length beyond the data, indefinite length, a tag longer than three bytes, nesting deeper than
``MAX_DEPTH``) raises :class:`~hw.emrtd.errors.MalformedData` with code ``chip.malformed.tlv``;
nothing else can escape, which tests/emrtd/test_tlv.py fuzzes.
"""

from __future__ import annotations

from dataclasses import dataclass

from hw.emrtd.errors import MalformedData

MAX_DEPTH = 16
"""Deeper than any LDS structure (DG13 is four levels); a bound against stack exhaustion."""
MAX_TAG_BYTES = 3
MAX_LENGTH_BYTES = 3
"""Lengths up to 16 MiB: more than any data group (a DG2 face is tens of kB)."""


@dataclass(frozen=True)
class Tlv:
    tag: int
    value: bytes
    constructed: bool

    def children(self) -> list[Tlv]:
        """The TLVs inside a constructed value, one level down."""
        if not self.constructed:
            raise _bad(f"tag {self.tag:X} is primitive, it has no children")
        return parse_all(self.value)

    def child(self, tag: int) -> Tlv:
        """The first child with ``tag``; missing is a malformed structure."""
        for item in self.children():
            if item.tag == tag:
                return item
        raise _bad(f"tag {tag:X} missing inside {self.tag:X}")


def _bad(detail: str) -> MalformedData:
    return MalformedData("tlv", detail)


def _read_tag(data: bytes, pos: int) -> tuple[int, bool, int]:
    if pos >= len(data):
        raise _bad("truncated before a tag")
    first = data[pos]
    tag, pos = first, pos + 1
    if first & 0x1F == 0x1F:
        for _ in range(1, MAX_TAG_BYTES):
            if pos >= len(data):
                raise _bad("truncated inside a tag")
            byte = data[pos]
            tag, pos = (tag << 8) | byte, pos + 1
            if not byte & 0x80:
                break
        else:
            raise _bad(f"tag longer than {MAX_TAG_BYTES} bytes")
    return tag, bool(first & 0x20), pos


def _read_length(data: bytes, pos: int) -> tuple[int, int]:
    if pos >= len(data):
        raise _bad("truncated before a length")
    first, pos = data[pos], pos + 1
    if first < 0x80:
        return first, pos
    count = first & 0x7F
    if count == 0:
        raise _bad("indefinite length is not DER")
    if count > MAX_LENGTH_BYTES:
        raise _bad(f"length of {count} bytes")
    if pos + count > len(data):
        raise _bad("truncated inside a length")
    return int.from_bytes(data[pos : pos + count], "big"), pos + count


def parse_one(data: bytes, pos: int = 0) -> tuple[Tlv, int]:
    """The TLV starting at ``pos`` and the offset just after it."""
    tag, constructed, pos = _read_tag(data, pos)
    length, pos = _read_length(data, pos)
    end = pos + length
    if end > len(data):
        raise _bad(f"length {length} runs {end - len(data)} bytes past the data")
    return Tlv(tag, bytes(data[pos:end]), constructed), end


def parse_all(data: bytes) -> list[Tlv]:
    """Consecutive TLVs filling ``data`` exactly (zero or more)."""
    items: list[Tlv] = []
    pos = 0
    while pos < len(data):
        item, pos = parse_one(data, pos)
        items.append(item)
    return items


def decode(data: bytes, tag: int | None = None) -> Tlv:
    """Exactly one TLV with nothing after it, optionally checking its tag."""
    item, end = parse_one(data)
    if end != len(data):
        raise _bad(f"{len(data) - end} bytes after the TLV")
    if tag is not None and item.tag != tag:
        raise _bad(f"expected tag {tag:X}, found {item.tag:X}")
    return item


def check_tree(data: bytes, depth: int = 0) -> None:
    """Walk every constructed TLV down to the leaves: refuses any flaw anywhere, or depth."""
    if depth > MAX_DEPTH:
        raise _bad(f"nested deeper than {MAX_DEPTH}")
    for item in parse_all(data):
        if item.constructed:
            check_tree(item.value, depth + 1)


def header_length(data: bytes) -> int:
    """Total size of a TLV (header + value) from its first bytes, to know how much to read."""
    _, _, pos = _read_tag(data, 0)
    length, pos = _read_length(data, pos)
    return pos + length


def encode_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    size = (length.bit_length() + 7) // 8
    if size > MAX_LENGTH_BYTES:
        raise ValueError(f"length {length} too large")
    return bytes([0x80 | size]) + length.to_bytes(size, "big")


def encode(tag: int, value: bytes) -> bytes:
    """One TLV; ``tag`` as its integer of bytes (``0x5F1F``)."""
    tag_bytes = tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big")
    return tag_bytes + encode_length(len(value)) + value
