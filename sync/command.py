"""``kiosk sync [--once]``: the sync daemon (DESIGN §7, docs/sync.md).

Without ``--once`` it runs until SIGTERM/SIGINT, waking on new work, "send now", its timer and due
retries. With ``--once`` it drains what it can and exits 0 only if nothing is left pending.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from appliance import exitcodes

if TYPE_CHECKING:
    from appliance.config import KioskConfig
    from sync.daemon import SyncDaemon

HELP = "the sync daemon: deliver queued dossiers to the gateway exactly once"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--once", action="store_true",
                        help="drain what can be sent now and exit (0 = nothing left pending)")
    parser.add_argument("--json", action="store_true",
                        help="with --once: print a JSON summary on stdout")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")


def build(config: KioskConfig) -> SyncDaemon:
    """Store, client and daemon from a configuration (also used by tests and the bench)."""
    from appliance.app import gateway, runtime
    from sync.client import Credentials, RetryPolicy
    from sync.daemon import SyncDaemon, SyncSettings
    from sync.enrolment import Enroller

    store = runtime.open_store(config)  # the same store and clock as the UI
    gw = config.gateway
    credentials_file = Path(gw.credentials_file).expanduser()
    client = gateway.client_for(
        config, Credentials.load(credentials_file),
        RetryPolicy(base_s=min(0.2, config.sync.backoff_cap_s / 10),
                    cap_s=min(5.0, config.sync.backoff_cap_s),
                    retry_after_cap_s=config.sync.backoff_cap_s))
    s = config.sync
    settings = SyncSettings(
        interval_s=s.interval_s, backoff_cap_s=s.backoff_cap_s,
        backoff_base_s=min(2.0, s.backoff_cap_s), escalate_after_h=s.escalate_after_h,
        batch_size=s.batch_size, retention_days=config.storage.retention_days,
        site=config.kiosk.site)
    enroller = Enroller(credentials_file, runtime.device_key_path(config), gw.enrolment_code)
    return SyncDaemon(store, client, settings, receipt_public_key=gw.receipt_public_key,
                      enroller=enroller, install_trust_store=_trust_store_installer(config))


def _trust_store_installer(config: KioskConfig) -> Callable[[dict[str, str]], int] | None:
    """Trust-store updates are fetched only by a kiosk with a chip reader (docs/identity.md)."""
    if config.hardware.card_reader == "none":
        return None
    folder = config.trust_store_dir

    def install(files: dict[str, str]) -> int:
        from appliance.app.chip import install_trust_store  # the chip libraries, only if used

        return install_trust_store(folder, files)

    return install


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    from sync import notify
    from sync.errors import SyncError

    notify.claim()
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="kiosk-sync %(levelname)s %(message)s", stream=sys.stderr)
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    log = logging.getLogger("sync")
    if not config.gateway.url:
        log.error("no gateway configured (gateway.url is empty in %s)", config.source)
        return exitcodes.USAGE
    try:
        daemon = build(config)
    except SyncError as err:  # unusable credentials file or ca_bundle: one line, exit 2
        log.error("%s", err.describe())
        return exitcodes.USAGE
    store = daemon.store
    if not store.health().ok:
        log.error("store unavailable: %s", store.health().reason_en)
        store.close()
        return exitcodes.STORE_UNAVAILABLE
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: daemon.stop())
    log.info("started (gateway %s, %d pending)", daemon.client.display_url,
             store.pending_count())
    try:
        if args.once:
            from sync.client import Stopping

            try:
                done = daemon.run_once()
            except Stopping:
                done = False
            counts = store.counts_by_state()
            if args.json:
                print(json.dumps({"drained": done, "counts": counts,
                                  "sync_state": store.sync_state()},
                                 ensure_ascii=False, indent=2))
            log.info("once: %s; %s", "queue empty" if done else "work left", counts)
            return exitcodes.OK if done else exitcodes.FAILURE
        daemon.run_forever()
        log.info("stopped")
        return exitcodes.OK
    finally:
        daemon.client.close()
        store.close()
