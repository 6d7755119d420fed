"""Cost of one staff PIN check at the stored hash's parameters: time and peak memory.

The kiosk checks the PIN off the UI thread, once per attempt; on a Raspberry Pi 3 (1 GB) the
128 MiB of scrypt N=2^17 must fit beside the UI and the sync daemon. Each cost runs in a fresh
child process so that its peak resident memory is its own.

Run: .venv/bin/python bench/pin.py [--repeat N]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time

COSTS = [(2**14, 8, 1), (2**17, 8, 1)]
"""The earlier default and the current one (appliance.pin.N, R, P)."""


def child(n: int, r: int, p: int, repeat: int) -> None:
    from appliance.pin import hash_pin, verify_pin

    stored = hash_pin("482913", n=n, r=r, p=p)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        verify_pin("000000", stored)
        times.append(time.perf_counter() - started)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"scrypt N=2^{n.bit_length() - 1} r={r} p={p}: check median "
          f"{statistics.median(times):.3f} s, peak RSS {peak_mib:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", nargs=3, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, args.repeat)
        return
    for n, r, p in COSTS:
        subprocess.run([sys.executable, __file__, "--repeat", str(args.repeat),
                        "--child", str(n), str(r), str(p)], check=True)


if __name__ == "__main__":
    main()
