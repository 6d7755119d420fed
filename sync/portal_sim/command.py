"""``kiosk portal-sim``: run the reference gateway on 127.0.0.1 until SIGTERM/SIGINT.

On start it prints one JSON line on stdout (``url``, ``kiosk_toml``, ``data_dir``,
``admin_token_file``) so scripts and tests can wait for it, and writes ``<data>/kiosk.toml`` for a
kiosk that talks to it (with a fresh one-time enrolment code). The admin API needs
``Authorization: Bearer $(cat <data>/admin-token)``; the token is new at every start.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from pathlib import Path

from appliance import exitcodes

HELP = "the reference gateway (development, demo, tests), with fault injection and an admin API"
NEEDS_CONFIG = False


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8780, help="port (0 = any free port)")
    parser.add_argument("--data", metavar="DIR", default="",
                        help="folder for the gateway's database, files and keys "
                        "(default: a per-user folder)")
    parser.add_argument("--fault-rate", type=float, default=0.0, metavar="F",
                        help="share of API requests that fail (0..1)")
    parser.add_argument("--fault-kinds", default="",
                        help="comma-separated subset of 5xx,retry_after,reset,slow,captive,"
                        "expired_token (default: all)")
    parser.add_argument("--latency-ms", type=int, default=0, metavar="MS",
                        help="added delay before each API request")
    parser.add_argument("--seed", type=int, default=0, help="fault injection seed")
    parser.add_argument("--retry-after", type=int, default=1, metavar="S",
                        help="Retry-After seconds sent with 429/503 faults")
    parser.add_argument("--slow-ms", type=int, default=1500, help="hold-back of 'slow' faults")
    parser.add_argument("--kiosk-id", default="K01", help="the kiosk id to provision")
    parser.add_argument("--unit-code", default="000.00.00.H56",
                        help="receiving unit code; first part of the gateway's MaHoSo")
    parser.add_argument("--token-ttl", type=float, default=3600.0, metavar="S",
                        help="lifetime of issued bearer tokens")
    parser.add_argument("--tls-cert", default="", help="PEM certificate: serve https")
    parser.add_argument("--tls-key", default="", help="PEM private key for --tls-cert")
    parser.add_argument("--kiosk-channel", type=int, choices=(1, 2), default=1,
                        help="KenhThucHien of kiosk dossiers in the national export: "
                             "1 direct (default), 2 online (docs/domain.md §8)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")


def _default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("kiosk-portal-sim", appauthor=False))


def _loopback(host: str) -> bool:
    import ipaddress

    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace, config: object = None) -> int:
    from sync.portal_sim.faults import ALL_KINDS, FaultInjector, FaultKind
    from sync.portal_sim.server import PortalSim

    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="portal-sim %(levelname)s %(message)s", stream=sys.stderr)
    if not 0.0 <= args.fault_rate <= 1.0:
        print("kiosk portal-sim: --fault-rate must be between 0 and 1", file=sys.stderr)
        return exitcodes.USAGE
    try:
        kinds = tuple(FaultKind(k.strip()) for k in args.fault_kinds.split(",") if k.strip()) \
            or ALL_KINDS
    except ValueError as exc:
        print(f"kiosk portal-sim: --fault-kinds: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    if bool(args.tls_cert) != bool(args.tls_key):
        print("kiosk portal-sim: --tls-cert and --tls-key go together", file=sys.stderr)
        return exitcodes.USAGE
    data = Path(args.data).expanduser() if args.data else _default_data_dir()
    faults = FaultInjector(rate=args.fault_rate, seed=args.seed, kinds=kinds,
                           retry_after_s=args.retry_after, slow_ms=args.slow_ms)
    tls = (Path(args.tls_cert), Path(args.tls_key)) if args.tls_cert else None
    try:
        sim = PortalSim(data, host=args.host, port=args.port, faults=faults,
                        latency_ms=args.latency_ms, kiosk_id=args.kiosk_id,
                        unit_code=args.unit_code, token_ttl_s=args.token_ttl, tls=tls)
    except OSError as exc:
        print(f"kiosk portal-sim: cannot start: {exc}", file=sys.stderr)
        return exitcodes.FAILURE
    sim.gateway.kiosk_channel = args.kiosk_channel
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if not _loopback(args.host):
        logging.getLogger("portal_sim").warning(
            "listening on %s: the admin API (decrypted dossiers, fault control) is reachable "
            "from the network; use it only on a closed test network", args.host)
    toml = sim.write_kiosk_toml()
    sim.start()
    print(json.dumps({"url": sim.url, "kiosk_toml": str(toml), "data_dir": str(data),
                      "admin_token_file": str(sim.admin_token_file)}), flush=True)
    logging.getLogger("portal_sim").info(
        "listening on %s (fault rate %.2f, seed %d); kiosk config: %s",
        sim.url, args.fault_rate, args.seed, toml)
    stop.wait()
    sim.stop()
    logging.getLogger("portal_sim").info("stopped")
    return exitcodes.OK
