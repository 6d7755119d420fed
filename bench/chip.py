"""Cost of reading the chip of a citizen ID card, kiosk side, against the virtual CCCD.

For each way in (PACE-CAN with AES on brainpoolP256r1, BAC with 3DES, and the same files read
with no access control and no secure messaging as the baseline): APDUs, bytes each way, and the
kiosk's CPU time split into access (PACE/BAC), reading (secure messaging, TLV) and verification
(SOD parsing, hashes, signature, certificate path). The card emulator runs in this process; its CPU
time is measured separately and subtracted. Targets (issue 15): verification ≤ 150 ms of CPU, and
no more APDUs than the file sizes need at the card's maximum response length.

    .venv/bin/python bench/chip.py [--rounds 20] [--pcsc]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

from hw.emrtd import issuer, pace, session, simcard
from hw.emrtd.apdu import Command
from hw.emrtd.files import DG_FID, EF_COM, EF_SOD, SHORT_READ, Channel
from hw.emrtd.truststore import TrustStore

FIELDS = {
    1: ("001090012345",), 2: ("Nguyễn Thị Lan",), 3: ("01/01/1990",), 4: ("Nữ",),
    5: ("Việt Nam",), 6: ("Kinh",), 7: ("Không",), 8: ("Xã Yên Sở, Hoài Đức, Hà Nội",),
    9: ("Thôn 3, Xã Yên Sở, Hoài Đức, Hà Nội",), 10: ("Nốt ruồi C:1cm trên trước cằm",),
    11: ("01/07/2021",), 12: ("01/01/2030",), 13: ("Nguyễn Văn An", "Trần Thị Bình"),
}  # fmt: skip


class TimedCard:
    """The emulator behind a stopwatch, so its CPU time is not billed to the kiosk."""

    def __init__(self, card: simcard.SimCard) -> None:
        self.card, self.cpu = card, 0.0

    def transmit(self, apdu: bytes) -> bytes:
        start = time.process_time()
        try:
            return self.card.transmit(apdu)
        finally:
            self.cpu += time.process_time() - start


def _card(signer: issuer.Authority, pace_oid: str | None, open_files: bool,
          ca_key: int | None = None) -> TimedCard:
    card = simcard.virtual_cccd(signer, dict(FIELDS), birth="900101", expiry="300101",
                                pace_oid=pace_oid, ca_key=ca_key)  # fmt: skip
    card.open_files = open_files
    return TimedCard(card)


def plain_read(card: TimedCard, max_read: int) -> Channel:
    channel = Channel(card)
    channel.send(Command(0, 0xA4, 0x04, 0x0C, session.EMRTD_AID), "SELECT")
    for fid in (EF_COM, DG_FID[1], DG_FID[13], EF_SOD):
        channel.read_file(fid, max_read)
    return channel


def measure(name: str, once: Callable[[], tuple[TimedCard, Channel | session.ChipRead, float]],
            rounds: int) -> None:  # fmt: skip
    cpu, verify_cpu = [], []
    card, result, verification = once()  # warm-up, and the counters shown
    for _ in range(rounds):
        start = time.process_time()
        card, result, verification = once()
        cpu.append((time.process_time() - start - card.cpu - verification) * 1000)
        verify_cpu.append(verification * 1000)
    counters = result.counters
    print(f"{name:34} {counters.apdus:>5} {counters.sent:>7} {counters.received:>9} "
          f"{statistics.median(cpu):>10.1f} {statistics.median(verify_cpu):>11.1f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--pcsc", action="store_true", help="also read through pcscd (vpcd)")
    args = parser.parse_args()
    csca = issuer.make_csca()
    signer = issuer.make_signer(csca)
    store, now = TrustStore([csca.cert]), datetime.now(UTC)
    key = session.cccd_access(FIELDS[1][0], "900101", "300101")
    aes = f"{pace.ID_PACE}.2.2"

    def secure(pace_oid: str | None, max_read: int, extended: bool,
               ca_key: int | None = None) -> Callable[..., tuple]:
        def once() -> tuple[TimedCard, session.ChipRead, float]:
            card = _card(signer, pace_oid, False, ca_key)
            card.card.extended = extended
            groups = (1, 13, 14) if ca_key else session.DEFAULT_GROUPS
            read = session.read_chip(card, key, groups, max_read=max_read)
            start = time.process_time()
            session.verify_chip(read, store, now)
            return card, read, time.process_time() - start
        return once

    def plain(max_read: int, extended: bool) -> Callable[..., tuple]:
        def once() -> tuple[TimedCard, Channel, float]:
            card = _card(signer, aes, True)
            card.card.extended = extended
            return card, plain_read(card, max_read), 0.0
        return once

    sizes = {n: len(v) for n, v in _card(signer, aes, False).card.files.items()}
    print(f"files (bytes): {sizes}")
    print(f"{'read':34} {'APDUs':>5} {'sent':>7} {'received':>9} {'kiosk CPU ms':>10} "
          f"{'verify ms':>11}")  # fmt: skip
    measure("PACE-CAN AES-128 BP256 + SM + PA", secure(aes, SHORT_READ, False), args.rounds)
    measure("  same, extended length (4 KiB)", secure(aes, 0x1000, True), args.rounds)
    measure("  same + chip authentication (DG14)", secure(aes, SHORT_READ, False, 0xC0FFEE),
            args.rounds)
    measure("BAC 3DES + SM + PA", secure(None, SHORT_READ, False), args.rounds)
    measure("no access control, no SM", plain(SHORT_READ, False), args.rounds)
    measure("  same, extended length (4 KiB)", plain(0x1000, True), args.rounds)
    if args.pcsc:
        through_pcsc(signer, key, args.rounds)


def through_pcsc(signer: issuer.Authority, key: session.AccessKey, rounds: int) -> None:
    """Wall time of the PACE read through pcscd and vsmartcard's virtual reader."""
    from hw.cardreader.pcsc import PcscCardReader
    from hw.cardreader.vicc import VirtualCard

    reader, times, apdus = PcscCardReader("Virtual PCD"), [], 0
    for _ in range(rounds):
        placed = VirtualCard(_card(signer, f"{pace.ID_PACE}.2.2", False).card)
        try:
            reader.wait_for_change(True, 10)
            start = time.perf_counter()
            apdus = session.read_chip(reader.connect(), key).counters.apdus
            times.append((time.perf_counter() - start) * 1000)
        finally:
            reader.close()
            placed.lift()
            reader.wait_for_change(False, 10)
    print(f"through pcscd + virtual reader: {apdus} APDUs, wall time median "
          f"{statistics.median(times):.0f} ms ({statistics.median(times) / apdus:.0f}"
          " ms per APDU)")  # fmt: skip


if __name__ == "__main__":
    main()
