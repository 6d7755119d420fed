"""Put a virtual card into vsmartcard's virtual reader (Debian ``vsmartcard-vpcd``), so the
real PC/SC path (pcscd → pyscard → :mod:`hw.cardreader.pcsc`) reads it like a physical card.

The vpcd driver inside pcscd listens on 127.0.0.1:35963; the card side connects to it and answers
frames of a 2-byte big-endian length and a payload: one byte for power off (0), power on (1),
reset (2) or "send the ATR" (4), anything longer an APDU to answer. Closing the connection is
lifting the card.
"""

from __future__ import annotations

import contextlib
import socket
import threading

from hw.emrtd.apdu import Transport
from hw.emrtd.errors import ChipError

VPCD_PORT = 0x8C7B
ATR = bytes.fromhex("3B80800101")
"""Minimal ATR for T=1 (no historical bytes), with its check byte."""


def _receive(sock: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


class VirtualCard:
    """A card placed on the virtual reader until :meth:`lift`; answers from ``card``."""

    def __init__(self, card: Transport, host: str = "127.0.0.1", port: int = VPCD_PORT) -> None:
        self.card = card
        self.sock = socket.create_connection((host, port), timeout=10)
        self.sock.settimeout(None)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # one APDU per frame
        self._thread = threading.Thread(target=self._serve, name="vicc", daemon=True)
        self._thread.start()

    def _answer(self, payload: bytes) -> bytes | None:
        if len(payload) == 1:
            return ATR if payload[0] == 4 else None
        try:
            return self.card.transmit(payload)
        except ChipError:
            return b"\x6f\x00"

    def _serve(self) -> None:
        try:
            while (header := _receive(self.sock, 2)) is not None:
                payload = _receive(self.sock, int.from_bytes(header, "big"))
                if payload is None:
                    return
                answer = self._answer(payload)
                if answer is not None:
                    self.sock.sendall(len(answer).to_bytes(2, "big") + answer)
        except OSError:
            return  # lifted: the socket was closed under us

    def lift(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self._thread.join(timeout=10)
