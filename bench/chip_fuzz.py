"""Fuzz the chip parsers far beyond what CI runs: ≥100,000 inputs each for the TLV and DG13
parsers (random bytes and mutations of a valid DG13), fewer for EF.COM, DG1, EF.CardAccess,
EF.SOD (parsed and passive-authenticated) and CSCA master lists. Any exception other than the
parser's own refusal (``chip.malformed.*``; ``chip.pa.*`` where a signature is checked) is a bug
and is printed with its input; the script exits 1 if there is one.

    .venv/bin/python bench/chip_fuzz.py [--count 100000] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization

from hw.emrtd import issuer, lds, masterlist, pace, passive, sod, tlv
from hw.emrtd.errors import ChipError
from hw.emrtd.simcard import card_access
from hw.emrtd.truststore import TrustStore

FIELDS = {1: ("001090012345",), 2: ("Nguyễn Thị Lan",), 9: ("Thôn 3, Hoài Đức, Hà Nội",),
          13: ("Nguyễn Văn An", "Trần Thị Bình")}  # fmt: skip


def mutate(rng: random.Random, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(rng.randint(1, 4)):
        pos = rng.randrange(max(1, len(data)))
        kind = rng.random()
        if kind < 0.5 and data:
            data[pos] = rng.randrange(256)
        elif kind < 0.75:
            del data[pos : pos + rng.randint(1, 8)]
        else:
            data[pos:pos] = rng.randbytes(rng.randint(1, 4))
    return bytes(data)


Parser = Callable[[bytes], object]


def run(name: str, parse: Parser, seed: bytes, count: int, rng: random.Random) -> int:
    failures, refused = 0, 0
    start = time.perf_counter()
    for i in range(count):
        data = rng.randbytes(rng.randint(0, 200)) if i % 4 == 0 else mutate(rng, seed)
        try:
            parse(data)
        except ChipError as exc:  # a refusal: chip.malformed.*, or chip.pa.* for a bad signature
            refused += 1
            assert exc.code.startswith(("chip.malformed.", "chip.pa.")), exc.code
        except Exception as exc:
            failures += 1
            print(f"  {name}: {type(exc).__name__}: {exc} on {data.hex()[:80]}…")
    seconds = time.perf_counter() - start
    print(f"{name:12} {count:>8} inputs  {refused:>8} refused  {failures} escaped  "
          f"{count / seconds:>9.0f} inputs/s")  # fmt: skip
    return failures


def _master_list() -> bytes:
    csca = issuer.make_csca()
    der = csca.cert.public_bytes(serialization.Encoding.DER)
    content = masterlist.CscaMasterList(
        {"version": 0, "cert_list": [asn1_x509.Certificate.load(der)]}
    ).dump()
    return issuer.signed_content(masterlist.CSCA_MASTER_LIST, content, issuer.make_signer(csca))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    csca = issuer.make_csca()
    signer = issuer.make_signer(csca)
    store, now = TrustStore([csca.cert]), datetime.now(UTC)
    dg13 = issuer.encode_dg13(FIELDS)
    dg1 = issuer.encode_dg1(issuer.td1("090012345", "900101", "F", "300101", "NGUYEN<<LAN"))
    small = max(1, args.count // 5)

    def verifier(data: bytes) -> object:
        return passive.verify(sod.parse_sod(data), {1: dg1, 13: dg13}, store, now)

    targets: list[tuple[str, Parser, bytes, int]] = [
        ("tlv", tlv.check_tree, dg13, args.count),
        ("dg13", lds.parse_dg13, dg13, args.count),
        ("ef.com", lds.parse_com, issuer.encode_com([1, 13]), small),
        ("dg1", lds.parse_dg1, dg1, small),
        ("cardaccess", pace.parse_card_access, card_access(f"{pace.ID_PACE}.2.2", 13), small),
        ("ef.sod + PA", verifier, issuer.sign_sod({1: dg1, 13: dg13}, signer), small),
        ("master list", masterlist.read_master_list, _master_list(), small),
    ]
    failures = sum(run(name, parse, seed, count, rng) for name, parse, seed, count in targets)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
