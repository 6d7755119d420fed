"""Card-reader seam: is an ID card on the reader, and a transport to its chip when it is.

Backends: :mod:`hw.cardreader.sim` (a virtual CCCD from :mod:`hw.emrtd.simcard`, put down and
lifted by tests or the demo) and :mod:`hw.cardreader.pcsc` (PC/SC through pyscard: ACR1252U-class
USB readers with pcscd/libccid, or vsmartcard's virtual reader). What is read from the chip, and
how, is :mod:`hw.emrtd`'s job; this seam only finds the card.
"""

from __future__ import annotations

import abc

from hw.emrtd.apdu import Transport
from hw.errors import HardwareError
from hw.status import DeviceStatus, ok


class CardReaderError(HardwareError):
    pass


def no_card() -> CardReaderError:
    return CardReaderError(
        "cardreader.no_card",
        "Chưa có thẻ trên đầu đọc. Hãy đặt thẻ căn cước lên đầu đọc.",
        "no card on the reader",
    )


def no_reader(detail: str) -> CardReaderError:
    return CardReaderError(
        "cardreader.not_found",
        "Không thấy đầu đọc thẻ. Hãy báo cán bộ kiểm tra dây cắm.",
        f"no card reader: {detail}",
    )


class CardReader(abc.ABC):
    @abc.abstractmethod
    def card_present(self) -> bool:
        """Whether a card is on the reader now."""

    @abc.abstractmethod
    def wait_for_change(self, present: bool, timeout: float) -> bool:
        """Wait until the card is put down (``present=True``) or lifted; whether it happened."""

    @abc.abstractmethod
    def connect(self) -> Transport:
        """A transport to the card on the reader; ``cardreader.no_card`` if there is none."""

    @abc.abstractmethod
    def name(self) -> str: ...

    def status(self) -> DeviceStatus:
        try:
            present = self.card_present()
        except HardwareError as exc:
            return exc.status
        where = self.name()
        if present:
            return ok("cardreader.card", f"Đầu đọc {where}: có thẻ.", f"{where}: card present")
        return ok("cardreader.ready", f"Đầu đọc {where} sẵn sàng.", f"{where}: ready, no card")

    def close(self) -> None:  # noqa: B027 - most backends hold nothing
        """Release the reader."""
