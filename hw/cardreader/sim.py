"""A card reader with a virtual CCCD that tests and the demo put down and lift."""

from __future__ import annotations

import threading

from hw.cardreader import CardReader, no_card
from hw.emrtd.apdu import Transport
from hw.emrtd.errors import CardLost
from hw.emrtd.simcard import SimCard


class _Contact:
    """The transport to one placed card: dead once that card is lifted."""

    def __init__(self, reader: SimCardReader, card: SimCard) -> None:
        self.reader, self.card = reader, card

    def transmit(self, apdu: bytes) -> bytes:
        if self.reader.card is not self.card:
            raise CardLost("the card was lifted")
        return self.card.transmit(apdu)


class SimCardReader(CardReader):
    def __init__(self, card: SimCard | None = None) -> None:
        self.card = card
        self._changed = threading.Condition()

    def put(self, card: SimCard) -> None:
        with self._changed:
            self.card = card
            self._changed.notify_all()

    def lift(self) -> None:
        with self._changed:
            self.card = None
            self._changed.notify_all()

    def card_present(self) -> bool:
        return self.card is not None

    def wait_for_change(self, present: bool, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: (self.card is not None) == present, timeout)

    def connect(self) -> Transport:
        card = self.card
        if card is None:
            raise no_card()
        return _Contact(self, card)

    def name(self) -> str:
        return "sim"
