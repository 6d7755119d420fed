"""The sync daemon's part of a field update: read the feed, decide, download (issue 16).

Runs at the end of each housekeeping pass, so dossiers always go first. The update's state lives
in the store's ``sync_state`` under ``update`` (the data partition, one SQLite transaction per
change), is reported in the heartbeat and ``kiosk status``, and is moved only through
``appliance.update``'s state machine. Install, reboot and the trial's health check are carried
out by the boot-time update service (see docs/technician.md, "Field updates").
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path
from typing import Any

from appliance import session_flag, update_state
from appliance.store import Store
from appliance.update.machine import UpdateState
from appliance.update.plan import Action, next_action
from appliance.update.policy import Facts, QuietWindow, may_download
from appliance.update.slots import slot_from_cmdline
from sync.bundle_fetch import URL_PREFIX, Downloader, read_feed
from sync.client import GatewayClient

log = logging.getLogger("sync")
DEFAULT_RATE_BPS = 256 * 1024
"""2 Mbit/s: a bundle of ~400 MB arrives in well under a night on a rural 4G link."""
CMDLINE = Path("/proc/cmdline")


def quiet_window(start: str, end: str) -> QuietWindow:
    """From ``[update] quiet_start/quiet_end`` ("HH:MM", checked by the configuration)."""
    return QuietWindow(dt.time.fromisoformat(start), dt.time.fromisoformat(end))


class UpdateAgent:
    def __init__(self, store: Store, client: GatewayClient, *, running_version: str,
                 directory: Path | None = None, rate_bps: float = DEFAULT_RATE_BPS,
                 quiet: QuietWindow | None = None, cmdline: Path = CMDLINE) -> None:
        self.store = store
        self.client = client
        self.running_version = running_version
        self.quiet = quiet or QuietWindow()
        self.cmdline = cmdline
        self.downloader = Downloader(client, directory or store.data_dir / "updates",
                                     rate_bps=rate_bps, may_continue=self.may_continue,
                                     sleep=client.sleep)

    # --- state
    def load(self) -> UpdateState:
        return update_state.load(self.store, self.running_version)

    def save(self, state: UpdateState) -> None:
        update_state.save(self.store, state)

    def facts(self) -> Facts:
        return Facts(session_active=session_flag.is_active(self.store.data_dir, time.time()),
                     pending_dossiers=self.store.pending_count(),
                     local_time=self.store.clock.wall().astimezone().time(), quiet=self.quiet)

    def may_continue(self) -> bool:
        """Asked between chunks: a queued dossier or a citizen stops the download at once."""
        return may_download(self.facts())

    # --- one pass
    def run(self) -> UpdateState:
        """Feed, then the download if the plan says so now; SyncError propagates (resumable)."""
        state = self.load()
        announced = read_feed(self.client)
        if announced is not None and announced.rollout.includes(self.client.kiosk_id,
                                                                announced.offer.version):
            state = state.announce(announced.offer)
        elif state.offer is None or state.offer.url.startswith(URL_PREFIX):
            state = state.withdraw()  # a bundle from a USB stick is not the gateway's to withdraw
        self.save(state)
        if next_action(state, self.facts()) is Action.DOWNLOAD:
            if not self.room_for(state):
                return state
            state = self.downloader.fetch(state)
            self.save(state)
            if state.reason == "bad_digest" and state.offer is None:
                log.warning("bundle %s refused: its digest is not the announced one",
                            state.refused)
        return state

    def room_for(self, state: UpdateState) -> bool:
        """The rest of the bundle must fit above the store's reserve: a download never takes the
        room a citizen's dossier needs."""
        assert state.offer is not None
        missing = state.offer.size - state.received
        if self.store.free_bytes() - missing >= self.store.reserve_bytes:
            return True
        log.warning("bundle %s waits: %d MB missing above the store's reserve",
                    state.offer.version, missing // 1_000_000)
        return False

    def report(self) -> dict[str, Any]:
        """Version, slot and update state for the heartbeat and ``kiosk status``."""
        return self.load().report(self.running_version, self.slot())

    def slot(self) -> str:
        try:
            return slot_from_cmdline(self.cmdline.read_text(encoding="utf-8")) or "none"
        except OSError:
            return "none"

