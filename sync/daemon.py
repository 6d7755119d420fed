"""The sync daemon (DESIGN §7): drains the store's queue to the gateway, exactly once.

Exactly-once rests on three rules, each surviving a SIGKILL at any instant:
- the dossier id is the gateway's idempotency key and the envelope is frozen, so re-sending after
  a crash is a replay, never a duplicate or a conflict;
- ``mark_sending`` is committed *before* each attempt, so an interrupted attempt is retried and
  never shown as sent;
- ``mark_sent`` happens only on a receipt that echoes the dossier id, its digest and every file,
  signed by the gateway's receipt key (``[gateway] receipt_public_key``).

One cycle: probe health (a captive portal is not "online"), check the clock against the server's,
send due dossiers in finalize order (manifest first, then only the files still missing), then the
housekeeping: updates feed, catalogue (ETag), ratings, heartbeat, tombstone expiry, escalation.
Between cycles the daemon sleeps on an event with a timeout: new work (the store's wake file),
"send now", the timer, or the next due retry wake it. No busy loop.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tenacity

from appliance import __version__
from appliance.app import gateway
from appliance.crypto import CryptoError, canonical_json, verify_signature
from appliance.domain.catalogue import CatalogueError, load_catalogue
from appliance.domain.dossier import PENDING_STATES, DossierState, pending_total
from appliance.store import BlobError, DossierRecord, Store
from kioskbase.errors import BilingualError
from sync.client import GatewayClient, Stopping
from sync.enrolment import Enroller
from sync.errors import (
    AuthError,
    BadReceipt,
    ClockSkew,
    Conflict,
    RateLimited,
    RecordRejected,
    SyncError,
    TLSFailure,
    Transient,
)
from sync.notify import Watchdog, notify

log = logging.getLogger("sync")

WAKE_POLL_S = 1.0
"""How often the sleeping daemon looks at the wake file's mtime (one stat call)."""
MAX_CLOCK_SKEW_S = 15 * 60

ALERTS: dict[str, tuple[str, str]] = {
    "sync_auth": ("Cổng tiếp nhận từ chối thông tin xác thực của máy. Hãy báo kỹ thuật viên.",
                  "The gateway refused this kiosk's credentials"),
    "sync_tls": ("Không xác minh được chứng chỉ bảo mật của cổng tiếp nhận. Hãy kiểm tra ngày giờ "
                 "và báo kỹ thuật viên.", "TLS verification of the gateway failed"),
    "sync_clock": ("Đồng hồ của máy lệch nhiều so với cổng tiếp nhận. Hãy chỉnh ngày giờ.",
                   "The kiosk clock differs from the gateway's server time"),
    "sync_captive": ("Mạng Wi-Fi đang yêu cầu đăng nhập. Hãy đăng nhập mạng hoặc chọn mạng khác.",
                     "A login page answered instead of the gateway (captive portal)"),
    "sync_stuck": ("Có hồ sơ chờ gửi quá lâu. Hãy kiểm tra kết nối mạng.",
                   "A dossier has waited longer than the escalation threshold"),
    "sync_quarantine": ("Có hồ sơ bị cổng tiếp nhận từ chối. Xem lý do trong danh sách hồ sơ.",
                        "The gateway rejected one or more dossiers; see the quarantine list"),
    "sync_receipt": (BadReceipt.reason_vi,
                     "A receipt did not carry a valid gateway signature; dossiers stay queued"),
}
BATCH_ALERTS = {AuthError: "sync_auth", TLSFailure: "sync_tls", ClockSkew: "sync_clock"}


@dataclass
class SyncSettings:
    interval_s: float = 60.0
    backoff_cap_s: float = 300.0
    backoff_base_s: float = 2.0
    escalate_after_h: float = 24.0
    batch_size: int = 20
    retention_days: int = 90
    max_clock_skew_s: float = MAX_CLOCK_SKEW_S
    site: str = ""


@dataclass
class CycleResult:
    sent: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    error: SyncError | None = None
    retry_in_s: float | None = None
    """Set when the batch stopped on an error: how long until the next try."""
    online: bool = False

    @property
    def progressed(self) -> bool:
        return bool(self.sent or self.quarantined)


class SyncDaemon:
    def __init__(self, store: Store, client: GatewayClient, settings: SyncSettings, *,
                 receipt_public_key: str = "", enroller: Enroller | None = None,
                 install_trust_store: Callable[[dict[str, str]], int] | None = None) -> None:
        self.store = store
        self.client = client
        self.settings = settings
        self.receipt_public_key = receipt_public_key
        """Base64 Ed25519 key every receipt must be signed with; empty: no receipt is trusted."""
        self.enroller = enroller
        self.install_trust_store = install_trust_store
        """Installs a verified trust-store update for the chip reader; None: no reader."""
        self.stop_event = threading.Event()
        self._failures = 0
        self._last_housekeeping = -1e18
        self._purges_checked = False
        self.watchdog = Watchdog()
        client.sleep = self.sleep  # in-request waits end early on SIGTERM

    # --- time and waiting
    def now(self) -> dt.datetime:
        return self.store.clock.wall()

    def sleep(self, seconds: float) -> None:
        """Wait, ending early (Stopping) on SIGTERM and pinging the watchdog meanwhile."""
        deadline = time.monotonic() + max(0.0, seconds)
        while not self.stop_event.is_set():
            self.watchdog.ping()
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self.stop_event.wait(min(left, WAKE_POLL_S))
        raise Stopping()

    def backoff_s(self, attempt: int) -> float:
        """Capped, jittered exponential backoff (tenacity's strategy) for the n-th failure."""
        wait = tenacity.wait_exponential_jitter(
            multiplier=self.settings.backoff_base_s, max=self.settings.backoff_cap_s,
            jitter=self.settings.backoff_base_s)
        return min(wait(_attempt_state(max(1, attempt))), self.settings.backoff_cap_s)

    def _retry_wait(self, err: SyncError, attempt: int) -> float:
        if isinstance(err, RateLimited) and err.retry_after_s is not None:
            return min(err.retry_after_s, self.settings.backoff_cap_s)
        return self.backoff_s(attempt)

    # --- one cycle
    def cycle(self, *, drain: bool = False) -> CycleResult:
        """Probe, send what is due, do the housekeeping. ``drain``: ignore next_attempt_at."""
        result = CycleResult()
        started = self.now()
        self.store.update_sync_state(last_attempt=started.isoformat())
        try:
            self._probe()
            result.online = True
            self._finish_purges()
            self._send_batch(result, drain=drain)
            if result.error is None and (
                    drain or time.monotonic() - self._last_housekeeping >= self.settings.interval_s
                    or not self.store.pending(limit=1)):
                self.housekeeping()
        except Stopping:
            raise
        except SyncError as err:
            result.error = err
        self._after_cycle(result)
        return result

    def _probe(self) -> None:
        try:
            server_time = gateway.probe(self.client)  # the same rule as ``kiosk doctor``
        except SyncError as err:
            if err.code == "captive_portal":
                self._alert("sync_captive")
            raise
        self._resolve("sync_captive")
        skew = (server_time - self.now()).total_seconds()
        if abs(skew) > self.settings.max_clock_skew_s:
            raise ClockSkew(f"kiosk clock is {-skew:+.0f} s off the gateway's server time")
        self.client.ensure_token()
        if self.enroller is not None:
            self.enroller.run(self.client, self.store)
        self._resolve(*BATCH_ALERTS.values())

    def _finish_purges(self) -> None:
        """Once per process: purge dossiers left ``sent`` by a crash between receipt and purge."""
        if self._purges_checked:
            return
        for record in self.store.all_dossiers():
            if record.state is DossierState.SENT and all(
                    f.confirmed for f in self.store.files(record.id)):
                self.store.purge(record.id)
        self._purges_checked = True

    def _send_batch(self, result: CycleResult, *, drain: bool) -> None:
        horizon = self.now() + dt.timedelta(days=36500) if drain else None
        while not self.stop_event.is_set():
            due = self.store.pending(limit=self.settings.batch_size, now=horizon)
            if not due:
                return
            for record in due:
                if self.stop_event.is_set():
                    return
                err = self.send_one(record)
                if err is None:
                    result.sent.append(record.id)
                    self._resolve("sync_receipt")
                elif isinstance(err, RecordRejected):
                    result.quarantined.append(record.id)
                else:
                    result.error = err
                    return

    def send_one(self, record: DossierRecord) -> SyncError | None:
        """One attempt at one dossier; returns the error that ended it (None: sent)."""
        self.watchdog.ping()
        self.store.mark_sending(record.id)
        try:
            self._deliver(record)
        except Stopping:
            raise
        except RecordRejected as err:
            reason = self._rejection_reason(record, err)
            log.warning("dossier %s quarantined: %s", record.id[:8], reason)
            self.store.quarantine(record.id, reason)
            self._alert("sync_quarantine")
            return err
        except BlobError as exc:
            reason = f"local_file: {exc}"[:300]
            self.store.quarantine(record.id, reason)
            self._alert("sync_quarantine")
            return RecordRejected(reason, code="local_file")
        except SyncError as err:
            if err.code == "device_not_enrolled":
                retired = self._retired_key(record, err)
                if retired is not None:
                    return retired
            wait = self._retry_wait(err, record.attempts + 1)
            log.info("dossier %s: %s; retry in %.1f s", record.id[:8], err.describe(), wait)
            self.store.mark_retry(record.id, err.describe()[:300],
                                  self.now() + dt.timedelta(seconds=wait))
            self._batch_alert(err)
            return err
        return None

    def _retired_key(self, record: DossierRecord, err: SyncError) -> RecordRejected | None:
        """After a key rotation, a dossier signed by the old key can never be accepted (it looks
        like a forgery): quarantine it for staff instead of blocking the queue behind it. If it
        carries the current key, the gateway lost or revoked us: enrol again next cycle."""
        if self.enroller is None:
            return None
        signed_by = json.loads(self.store.envelope(record.id))["manifest"]["device_public_key"]
        if signed_by == self.enroller.public_key():
            self.store.update_sync_state(enrolled_device_key=None)
            return None
        reason = "retired_device_key: signed by a device key this kiosk no longer holds"
        log.warning("dossier %s quarantined: %s", record.id[:8], reason)
        self.store.quarantine(record.id, f"{reason} ({err.code})")
        self._alert("sync_quarantine")
        return RecordRejected(reason, code="retired_device_key")

    def _deliver(self, record: DossierRecord) -> None:
        envelope = self.store.envelope(record.id)
        digest = json.loads(envelope)["digest"]
        files = self.store.files(record.id)
        ours = {f.sha256 for f in files}
        answer = self.client.put_manifest(record.id, envelope)
        receipt = answer.receipt
        for _ in range(3):
            if not set(answer.missing) <= ours:
                raise Transient("gateway asks for files that are not in the manifest",
                                code="bad_answer")
            for f in files:
                if f.sha256 in answer.missing:
                    file_answer = self.client.put_file(record.id, f.sha256,
                                                       self.store.read_blob(f.sha256))
                    if file_answer is not None:
                        receipt = file_answer.receipt or receipt
            if receipt is not None:
                break
            # A page was found already held (its answer lost), so no receipt came with it: the
            # manifest's replay answers with the receipt, or with what is still missing.
            answer = self.client.put_manifest(record.id, envelope)
            receipt = answer.receipt
        if receipt is None:
            raise Transient("every file was sent but no receipt came back", code="no_receipt")
        portal_code, received_at = self._check_receipt(record.id, digest, ours, receipt)
        # One commit for all files: after a crash the manifest's replay says what is missing,
        # so per-file bookkeeping would only cost fsyncs.
        self.store.mark_files_confirmed(record.id, [f.sha256 for f in files if not f.confirmed])
        self.store.mark_sent(record.id, portal_code, received_at, receipt)
        self.store.purge(record.id)
        log.info("dossier %s sent (%d files)", record.id[:8], len(files))

    def _check_receipt(self, dossier_id: str, digest: str, files: set[str],
                       receipt: dict[str, Any]) -> tuple[str, dt.datetime]:
        """A receipt counts only if the gateway signed it and it echoes our id, our digest and
        every file."""
        self._verify_signature(receipt)
        if receipt.get("dossier_id") != dossier_id or receipt.get("digest") != digest:
            raise Transient("receipt does not echo this dossier's id and digest",
                            code="bad_receipt")
        if set(receipt.get("files") or []) != files:
            raise Transient("receipt does not list exactly this dossier's files",
                            code="bad_receipt")
        code = receipt.get("MaHoSo")
        try:
            received = dt.datetime.fromisoformat(str(receipt.get("received_at")))
        except ValueError:
            received = None
        if not isinstance(code, str) or not code or received is None or received.tzinfo is None:
            raise Transient("receipt lacks MaHoSo or received_at", code="bad_receipt")
        return code, received

    def _verify_signature(self, receipt: dict[str, Any]) -> None:
        """BadReceipt unless ``signature`` is the receipt key's over the rest of the receipt."""
        if not self.receipt_public_key:
            raise BadReceipt("no gateway.receipt_public_key configured: a receipt cannot be "
                             "trusted", code="receipt_key_missing")
        signature = receipt.get("signature")
        if not isinstance(signature, str) or not signature:
            raise BadReceipt("receipt is not signed", code="receipt_unsigned")
        signed = {k: v for k, v in receipt.items() if k != "signature"}
        try:
            verify_signature(self.receipt_public_key, canonical_json(signed), signature)
        except CryptoError:
            raise BadReceipt("receipt signature does not verify with gateway.receipt_public_key",
                             code="receipt_signature") from None

    def _rejection_reason(self, record: DossierRecord, err: RecordRejected) -> str:
        if isinstance(err, Conflict):
            held = err.held_digest or "unknown"
            if held == record.digest:
                return "conflict: gateway holds the same digest but refused the replay"
            return (f"conflict: the gateway holds another dossier under this id "
                    f"(its digest {held[:12]}…, ours {record.digest[:12]}…)")
        return err.describe()[:300]

    # --- housekeeping
    def housekeeping(self) -> None:
        self._last_housekeeping = time.monotonic()
        self.pull_updates()
        self.pull_catalogue()
        self.pull_trust_store()
        self.send_ratings()
        self.send_heartbeat()
        self.store.expire_tombstones(self.settings.retention_days)

    def pull_updates(self) -> None:
        cursor = self.store.sync_state().get("updates_cursor")
        while True:
            updates, new_cursor = self.client.updates(cursor)
            for u in updates:
                if not isinstance(u, dict) or self.store.get(str(u.get("dossier_id"))) is None:
                    continue
                status = u.get("TrangThaiHoSo")
                try:
                    at = dt.datetime.fromisoformat(str(u.get("at")))
                except ValueError:
                    at = self.now()
                if isinstance(status, int) and 1 <= status <= 10:
                    self.store.set_portal_status(u["dossier_id"], status, at)
            self.store.update_sync_state(updates_cursor=new_cursor)
            if not updates or new_cursor == cursor:
                return
            cursor = new_cursor

    def pull_trust_store(self) -> None:
        """Fetch a changed trust store (CSCA certificates, CRLs) for the chip reader; install it
        only if the gateway's receipt key signed it and every file loads (docs/identity.md).
        A refused one is remembered by its ETag, like a refused catalogue."""
        if self.install_trust_store is None:
            return
        state = self.store.sync_state()
        etags = [e for e in (state.get("trust_store_etag"), state.get("trust_store_rejected_etag"))
                 if e]
        fresh = self.client.trust_store(", ".join(etags) or None)
        if fresh is None:
            return
        body, etag = fresh
        try:
            count = self.install_trust_store(self._signed_trust_store(body))
        except (BilingualError, CryptoError, OSError, ValueError) as exc:
            log.warning("trust store %s refused: %s", etag, exc)
            self.store.record_event("trust_store_refused", None, etag=etag, reason=str(exc)[:300])
            self.store.update_sync_state(trust_store_rejected_etag=etag)
            return
        self.store.record_event("trust_store_updated", None, etag=etag, cscas=count)
        self.store.update_sync_state(trust_store_etag=etag, trust_store_rejected_etag=None)
        log.info("trust store updated (etag %s, %d CSCA)", etag, count)

    def _signed_trust_store(self, body: dict[str, Any]) -> dict[str, str]:
        files, signature = body.get("files"), body.get("signature")
        if not isinstance(files, dict) or not isinstance(signature, str):
            raise ValueError("trust store document lacks files or signature")
        if not self.receipt_public_key:
            raise ValueError("no gateway.receipt_public_key to verify the trust store with")
        verify_signature(self.receipt_public_key, canonical_json({"files": files}), signature)
        return {str(k): str(v) for k, v in files.items()}

    def pull_catalogue(self) -> None:
        """Fetch a changed catalogue; keep it only if this kiosk can load it.

        A catalogue the kiosk cannot read (a newer schema, a broken procedure) is refused and
        its ETag remembered, so it is neither used nor downloaded again until it changes."""
        saved = self.store.load_catalogue()
        state = self.store.sync_state()
        etags = [e for e in ((saved or ({}, None))[1], state.get("catalogue_rejected_etag"))
                 if e]
        fresh = self.client.catalogue(", ".join(etags) or None)
        if fresh is None:
            return
        data, etag = fresh
        try:
            load_catalogue(data)
        except CatalogueError as exc:
            log.warning("catalogue %s refused: %s", etag, exc)
            self.store.record_event("catalogue_refused", None, etag=etag, reason=str(exc)[:300])
            self.store.update_sync_state(catalogue_rejected_etag=etag)
            return
        self.store.save_catalogue(data, etag)
        self.store.update_sync_state(catalogue_etag=etag, catalogue_rejected_etag=None)
        log.info("catalogue updated (etag %s)", etag)

    def send_ratings(self) -> None:
        """Ratings of dossiers the gateway holds (it refuses others); later ones wait."""
        for rating_id, body in self.store.pending_ratings():
            record = self.store.find_by_code(str(body.get("dossier_code") or ""))
            if record is not None and record.state in PENDING_STATES:
                continue
            try:
                self.client.put_rating(rating_id, {
                    "dossier_code": body.get("dossier_code"), "kiosk_id": self.client.kiosk_id,
                    "rating": {k: v for k, v in body.items() if k != "dossier_code"}})
            except RecordRejected as err:
                log.warning("rating %s rejected: %s", rating_id[:8], err.describe())
                self.store.record_event("rating_rejected", None, rating_id=rating_id,
                                        reason=err.describe()[:300])
            self.store.mark_rating_sent(rating_id)

    def send_heartbeat(self) -> None:
        counts = self.store.counts_by_state()
        age = self.store.oldest_pending_age_s()
        devices = (self.store.device_status() or {}).get("devices") or {}
        self.client.heartbeat({
            "queue_depth": pending_total(counts),
            "oldest_pending_age_s": age,
            "counts": counts,
            "paper": _paper(devices.get("printer")),
            "devices": {name: {"state": str(d.get("state")), "code": str(d.get("code"))}
                        for name, d in devices.items() if isinstance(d, dict)},
            "disk_free_mb": round(self.store.free_bytes() / 1e6, 1),
            "version": __version__,
            "site": str(self.store.get_setting("site", self.settings.site)),
            "alerts": [a.code for a in self.store.alerts()],
            "sent_at": self.now().isoformat(),
        })
        self.store.update_sync_state(last_heartbeat=self.now().isoformat())

    # --- bookkeeping after a cycle
    def _alert(self, code: str) -> None:
        vi, en = ALERTS[code]
        self.store.raise_alert(code, vi, en)

    def _batch_alert(self, err: SyncError) -> None:
        """Auth, TLS and clock errors need a person: tell staff through the store."""
        for kind, code in BATCH_ALERTS.items():
            if isinstance(err, kind):
                self._alert(code)
        if isinstance(err, BadReceipt):
            self._alert("sync_receipt")

    def _resolve(self, *codes: str) -> None:
        """Resolve those of ``codes`` that are open (no write transaction when none is)."""
        open_codes = {a.code for a in self.store.alerts()}
        for code in codes:
            if code in open_codes:
                self.store.resolve_alert(code)

    def _after_cycle(self, result: CycleResult) -> None:
        now = self.now()
        state: dict[str, Any] = {"online": result.online}
        if result.error is None:
            self._failures = 0
            state["last_success"] = now.isoformat()
        else:
            self._failures += 1
            err = result.error
            result.retry_in_s = self._retry_wait(err, self._failures)
            state["last_error"] = err.describe()[:300]
            state["last_error_at"] = now.isoformat()
            self._batch_alert(err)
            log.warning("sync cycle stopped: %s; next try in %.1f s", err.describe(),
                        result.retry_in_s)
        if not self.store.quarantined():
            self._resolve("sync_quarantine")
        age = self.store.oldest_pending_age_s()
        if age is not None and age > self.settings.escalate_after_h * 3600:
            self._alert("sync_stuck")
        else:
            self._resolve("sync_stuck")
        state["next_attempt"] = (now + dt.timedelta(seconds=self.next_wait_s(result))).isoformat()
        self.store.update_sync_state(**state)

    def next_wait_s(self, result: CycleResult) -> float:
        """How long to sleep after a cycle: never longer than the timer or the backoff cap."""
        if result.retry_in_s is not None:
            return min(result.retry_in_s, self.settings.backoff_cap_s)
        wait = self.settings.interval_s
        due = self.store.next_attempt_at()
        if due is not None:
            wait = min(wait, max(0.0, (due - self.now()).total_seconds()))
        return wait

    # --- the loops
    def run_once(self, max_idle_cycles: int = 3) -> bool:
        """Drain what can be drained now; True when nothing is left pending.

        Transient failures are waited out (capped backoff) as long as cycles make progress;
        ``max_idle_cycles`` failed cycles in a row, or an auth/TLS/clock error, end the run.
        """
        idle = 0
        while not self.stop_event.is_set():
            result = self.cycle(drain=True)
            if result.error is None:
                if not self.store.pending_count():
                    return True
                idle = 0 if result.progressed else idle + 1
            else:
                if not self.store.pending_count():
                    return True  # only the housekeeping failed: nothing is left to deliver
                idle = 0 if result.progressed else idle + 1
                if result.error.stops_batch or idle >= max_idle_cycles:
                    return False
                self.sleep(self.next_wait_s(result))
            if idle >= max_idle_cycles:
                return False
        return not self.store.pending_count()

    def run_forever(self) -> None:
        notify("READY=1")
        try:
            self._loop()
        finally:
            notify("STOPPING=1")

    def _loop(self) -> None:
        wake_mtime = _mtime(self.store.wake_path)
        drain = True  # at start, and after a wake-up: "send now" means now, despite backoff
        while not self.stop_event.is_set():
            self.watchdog.ping()
            try:
                result = self.cycle(drain=drain)
            except Stopping:
                return
            notify("STATUS=" + _status_line(result, self.store.pending_count()))
            drain = False
            deadline = time.monotonic() + self.next_wait_s(result)
            while not self.stop_event.is_set():
                self.watchdog.ping()
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                if self.stop_event.wait(min(WAKE_POLL_S, left)):
                    return
                mtime = _mtime(self.store.wake_path)
                if mtime != wake_mtime:
                    wake_mtime = mtime
                    drain = True
                    log.info("woken: new work or 'send now'")
                    break

    def stop(self) -> None:
        """SIGTERM: end waits and cut the request in flight (a drip-fed answer included)."""
        self.stop_event.set()
        self.client.abort()


def _status_line(result: CycleResult, pending: int) -> str:
    """``systemctl status`` line: counts and codes only, never personal data."""
    state = "online" if result.online else "offline"
    error = f"; last error {result.error.code}" if result.error else ""
    return f"{state}; {pending} pending; sent {len(result.sent)} this cycle{error}"


def _paper(printer: object) -> str:
    """ok / low / out / unknown, from the printer's last reported status (doctor or the UI)."""
    if not isinstance(printer, dict):
        return "unknown"
    code = str(printer.get("code", ""))
    if "paper_out" in code:
        return "out"
    if "paper_near_end" in code:
        return "low"
    return "ok" if printer.get("state") == "ok" else "unknown"


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0.0


_NO_RETRYING = tenacity.Retrying()
"""A RetryCallState needs its Retrying; the wait strategies read only the attempt number."""


def _attempt_state(attempt: int) -> tenacity.RetryCallState:
    state = tenacity.RetryCallState(retry_object=_NO_RETRYING, fn=None, args=(), kwargs={})
    state.attempt_number = attempt
    return state
