"""PC/SC card readers through pyscard (imported lazily): ACR1252U-class USB readers via pcscd and
libccid, or vsmartcard's virtual reader in tests and the demo.

Presence is watched with SCardGetStatusChange, so waiting for a card costs no polling. A card lost
mid-exchange (lifted too soon) becomes :class:`~hw.emrtd.errors.CardLost`.
"""

from __future__ import annotations

import contextlib
import time
from types import ModuleType
from typing import Any

from hw.cardreader import CardReader, no_card, no_reader
from hw.emrtd.apdu import Transport
from hw.emrtd.errors import CardLost
from hw.errors import require

INSTALL = "apt install pcscd libccid libpcsclite-dev swig && pip install pyscard"


def _smartcard() -> tuple[ModuleType, ModuleType, ModuleType]:
    what = "pyscard (PC/SC card readers)"
    system = require("smartcard.System", what=what, install=INSTALL)
    scard = require("smartcard.scard", what=what, install=INSTALL)
    exceptions = require("smartcard.Exceptions", what=what, install=INSTALL)
    return system, scard, exceptions


class _Connection:
    def __init__(self, connection: Any, exceptions: ModuleType) -> None:
        self.connection = connection
        self.exceptions = exceptions

    def transmit(self, apdu: bytes) -> bytes:
        try:
            data, sw1, sw2 = self.connection.transmit(list(apdu))
        except self.exceptions.CardConnectionException as exc:
            raise CardLost(type(exc).__name__) from None
        return bytes(data) + bytes([sw1, sw2])

    def close(self) -> None:
        with contextlib.suppress(self.exceptions.CardConnectionException):
            self.connection.disconnect()


class PcscCardReader(CardReader):
    def __init__(self, reader: str = "") -> None:
        """``reader``: part of the PC/SC reader name (``ACR1252``, ``Virtual PCD``); '' = first."""
        self.wanted = reader
        self._connection: _Connection | None = None
        self.system, self.scard, self.exceptions = _smartcard()

    def _reader(self) -> Any:
        try:
            readers = self.system.readers()
        except self.exceptions.SmartcardException as exc:
            raise no_reader(f"PC/SC unavailable: {type(exc).__name__}") from None
        for reader in readers:
            if self.wanted in str(reader):
                return reader
        raise no_reader(f"none named {self.wanted!r} among {len(readers)}")

    def name(self) -> str:
        return str(self._reader())

    def connect(self) -> Transport:
        connection = self._reader().createConnection()
        try:
            connection.connect()
        except (self.exceptions.NoCardException, self.exceptions.CardConnectionException):
            raise no_card() from None
        self.close()
        self._connection = _Connection(connection, self.exceptions)
        return self._connection

    def close(self) -> None:
        """Disconnect from the card (the reader itself needs no release)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _state(self, context: Any, name: str, known: int, timeout_ms: int) -> int | None:
        result, states = self.scard.SCardGetStatusChange(context, timeout_ms, [(name, known)])
        if result == self.scard.SCARD_E_TIMEOUT:
            return None
        if result != self.scard.SCARD_S_SUCCESS:
            raise no_reader(self.scard.SCardGetErrorMessage(result))
        return int(states[0][1])

    def card_present(self) -> bool:
        return self._watch(None, 0)

    def wait_for_change(self, present: bool, timeout: float) -> bool:
        return self._watch(present, int(timeout * 1000))

    def _watch(self, present: bool | None, timeout_ms: int) -> bool:
        """The presence now (``present`` None), or whether it became ``present`` in time."""
        scard, name = self.scard, str(self._reader())
        result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if result != scard.SCARD_S_SUCCESS:
            raise no_reader(scard.SCardGetErrorMessage(result))
        try:
            state = self._state(context, name, scard.SCARD_STATE_UNAWARE, 0) or 0
            deadline = time.monotonic() + timeout_ms / 1000
            while present is not None and bool(state & scard.SCARD_STATE_PRESENT) != present:
                left = int((deadline - time.monotonic()) * 1000)
                changed = self._state(context, name, state, left) if left > 0 else None
                if changed is None:
                    return False
                state = changed
            now_present = bool(state & scard.SCARD_STATE_PRESENT)
            return now_present if present is None else now_present == present
        finally:
            scard.SCardReleaseContext(context)
