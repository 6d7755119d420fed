"""The store: one SQLite database (WAL) plus content-addressed blob files (DESIGN §2, §4).

It is the only thing the UI and the sync daemon share. Every write is one short ``BEGIN
IMMEDIATE`` transaction that also appends an event row (wall and monotonic time, boot id, clock
trust). Opening a store migrates it, runs ``PRAGMA quick_check`` and reconciles rows with blob
files. A corrupt database is never deleted or recreated: the store opens "unavailable", says why,
and refuses new submissions until staff act (docs/store.md).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from appliance.clock import Clock
from appliance.domain.dossier import (
    PENDING_STATES,
    DossierState,
    IllegalTransition,
    check_transition,
)
from appliance.store import migrations
from appliance.store.blobs import BlobError, BlobStore
from appliance.store.db import connect, write_transaction
from kioskbase.errors import BilingualError

DB_NAME = "kiosk.db"
UNAVAILABLE_MARKER = "STORE-UNAVAILABLE.json"
TRANSPORT_MODE_SETTING = "transport_mode"
DEVICE_STATUS_SETTING = "device_status"


_PENDING_SQL = "state IN (" + ", ".join(f"'{s}'" for s in sorted(PENDING_STATES)) + ")"
"""SQL condition for dossiers waiting for delivery (``PENDING_STATES``)."""


class StoreUnavailable(Exception):
    """The database is corrupt or set aside; only staff can bring the store back."""


class SubmissionRefused(BilingualError):
    """A new dossier cannot be accepted now; ``reason_vi`` tells the citizen what to do."""

    def __str__(self) -> str:
        return self.describe()


@dataclass(frozen=True)
class StoreHealth:
    ok: bool
    code: str
    reason_vi: str
    reason_en: str
    orphans: list[str] = field(default_factory=list)
    """Blob files found without a row: moved to ``quarantine/orphans`` and reported."""
    missing: list[str] = field(default_factory=list)
    """Blob files a live row references but that are gone: their dossiers are quarantined."""


@dataclass(frozen=True)
class FileRecord:
    sha256: str
    size: int
    component: str
    page: int
    media_type: str
    confirmed: bool


@dataclass(frozen=True)
class Alert:
    """Something staff must act on (the same three names as every bilingual error)."""

    code: str
    reason_vi: str
    reason_en: str
    raised_at: dt.datetime


@dataclass(frozen=True)
class DossierRecord:
    id: str
    seq: int
    code: str
    procedure_code: str
    state: DossierState
    finalized_at: dt.datetime
    clock_trusted: bool
    due_at: dt.datetime | None
    digest: str
    total_bytes: int
    page_count: int
    replaces: str | None
    slip_public: dict[str, Any]
    attempts: int
    last_attempt_at: dt.datetime | None
    next_attempt_at: dt.datetime | None
    last_error: str | None
    quarantine_reason: str | None
    portal_code: str | None
    received_at: dt.datetime | None
    portal_status: int | None
    portal_status_at: dt.datetime | None
    purged_at: dt.datetime | None
    register_no: int | None = None
    """Per-year register number ("Số: …/TNHS"); None for dossiers finalized before it existed."""

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> DossierRecord:
        return cls(
            id=row["id"],
            seq=row["seq"],
            code=row["code"],
            procedure_code=row["procedure_code"],
            state=DossierState(row["state"]),
            finalized_at=dt.datetime.fromisoformat(row["finalized_at"]),  # NOT NULL
            clock_trusted=bool(row["clock_trusted"]),
            due_at=_parse_time(row["due_at"]),
            digest=row["digest"],
            total_bytes=row["total_bytes"],
            page_count=row["page_count"],
            replaces=row["replaces"],
            slip_public=json.loads(row["slip_public"]),
            attempts=row["attempts"],
            last_attempt_at=_parse_time(row["last_attempt_at"]),
            next_attempt_at=_parse_time(row["next_attempt_at"]),
            last_error=row["last_error"],
            quarantine_reason=row["quarantine_reason"],
            portal_code=row["portal_code"],
            received_at=_parse_time(row["received_at"]),
            portal_status=row["portal_status"],
            portal_status_at=_parse_time(row["portal_status_at"]),
            purged_at=_parse_time(row["purged_at"]),
            register_no=row.get("register_no"),
        )


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="microseconds") if value is not None else None


def _parse_time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class NewDossier:
    """What ``appliance.submission.finalize`` hands the store to commit in one transaction."""

    id: str
    procedure_code: str
    finalized_at: dt.datetime
    finalized_mono: float
    clock_trusted: bool
    due_at: dt.datetime | None
    digest: str
    envelope: bytes
    files: list[FileRecord]
    replaces: str | None
    slip_public: dict[str, Any]
    code: str
    register_no: int | None = None
    """From ``next_register_number`` in the same transaction."""


class Store:
    """One process's handle on the store. Thread-safe: one writer at a time per process."""

    def __init__(self, data_dir: Path, *, reserve_mb: int, clock: Clock) -> None:
        self.data_dir = data_dir
        self.reserve_bytes = reserve_mb * 1024 * 1024
        self.clock = clock
        self.wake_path = data_dir / "sync.wake"
        self._lock = threading.RLock()
        self._db: sqlite_utils.Database | None = None
        self._health = StoreHealth(True, "ok", "Kho dữ liệu bình thường", "store healthy")
        self.blobs = BlobStore(data_dir / "blobs", data_dir / "tmp")

    # ------------------------------------------------------------------ opening and health
    @classmethod
    def open(cls, data_dir: Path, *, reserve_mb: int = 256, clock: Clock | None = None) -> Store:
        """Open (creating if new) the store in ``data_dir``; never raises for a corrupt database."""
        data_dir.mkdir(parents=True, exist_ok=True)
        store = cls(data_dir, reserve_mb=reserve_mb, clock=clock or Clock())
        store._open()
        return store

    def _open(self) -> None:
        marker = self.data_dir / UNAVAILABLE_MARKER
        if marker.exists():
            info = json.loads(marker.read_text(encoding="utf-8"))
            self._set_unavailable(info.get("reason_en", "store marked unavailable"), write=False)
            return
        try:
            self._db = connect(self.data_dir / DB_NAME)
            check = self._db.execute("PRAGMA quick_check").fetchall()
            if [tuple(r) for r in check] != [("ok",)]:
                raise sqlite3.DatabaseError(f"quick_check: {check[:3]}")
            applied = migrations.apply(self._db)
        except sqlite3.DatabaseError as exc:
            if self._db is not None:
                self._db.close()
                self._db = None
            self._set_unavailable(f"database failed its check: {exc}", write=True)
            return
        if applied:
            self.record_event("store_migrated", migrations=applied)
        self._health = self._reconcile()

    def _set_unavailable(self, reason_en: str, *, write: bool) -> None:
        self._health = StoreHealth(
            False,
            "store_corrupt",
            "Kho dữ liệu bị lỗi: máy tạm ngừng nhận hồ sơ. Vui lòng báo cán bộ.",
            f"{reason_en}; the database file is kept as it is (see docs/store.md)",
        )
        if write:
            record = {
                "reason_en": reason_en,
                "at": self.clock.wall().isoformat(),
                "database": str(self.data_dir / DB_NAME),
            }
            (self.data_dir / UNAVAILABLE_MARKER).write_text(
                json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8"
            )

    def health(self) -> StoreHealth:
        return self._health

    @property
    def available(self) -> bool:
        return self._db is not None

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def db(self) -> sqlite_utils.Database:
        if self._db is None:
            raise StoreUnavailable(self._health.reason_en)
        return self._db

    @contextmanager
    def finalize_lock(self, exclusive: bool = False) -> Iterator[None]:
        """Held shared while a dossier's blobs and row are written, exclusive while reconciling,
        so reconciliation never mistakes another process's in-flight blobs for orphans. The OS
        releases it when a process dies, even by SIGKILL."""
        fd = os.open(self.data_dir / "finalize.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            yield
        finally:
            os.close(fd)

    def _reconcile(self) -> StoreHealth:
        orphans: list[str] = []
        missing: list[str] = []
        with self.finalize_lock(exclusive=True), self._lock:
            stale = self.blobs.stale_temp_files()
            for part in stale:
                part.unlink(missing_ok=True)
            rows = {
                r["sha256"]: r["state"]
                for r in self.db.query(
                    "SELECT f.sha256, d.state FROM files f JOIN dossiers d ON d.id = f.dossier_id"
                )
            }
            on_disk = set(self.blobs.all_names())
            orphan_dir = self.data_dir / "quarantine" / "orphans"
            for name in sorted(on_disk - rows.keys()):
                orphan_dir.mkdir(parents=True, exist_ok=True)
                os.replace(self.blobs.path(name), orphan_dir / name)
                orphans.append(name)
            for name in sorted(on_disk & rows.keys()):
                if rows[name] == DossierState.PURGED:
                    self.blobs.delete(name)  # finish a purge interrupted after its commit
            live = {n for n, state in rows.items() if state != DossierState.PURGED}
            missing = sorted(live - on_disk)
        if stale:
            self.record_event("temp_files_removed", count=len(stale))
        if orphans:
            self.record_event("orphan_blobs_quarantined", count=len(orphans), names=orphans[:50])
        if missing:
            self._quarantine_missing(missing)
        if orphans or missing:
            return StoreHealth(
                True,
                "reconciled_with_findings",
                f"Đã đối soát kho: {len(orphans)} tệp thừa được cách ly, "
                f"{len(missing)} tệp bị thiếu. Cán bộ xem chi tiết trong chế độ quản trị.",
                f"reconciliation: {len(orphans)} orphan blob(s) moved to quarantine/orphans, "
                f"{len(missing)} referenced blob(s) missing",
                orphans,
                missing,
            )
        return self._health

    def _quarantine_missing(self, missing: list[str]) -> None:
        marks = ",".join("?" * len(missing))
        ids = [
            r["dossier_id"]
            for r in self.db.query(
                f"SELECT DISTINCT dossier_id FROM files WHERE sha256 IN ({marks})", missing
            )
        ]
        for dossier_id in ids:
            record = self.get(dossier_id)
            if record and record.state in PENDING_STATES:
                self.quarantine(dossier_id, "missing_file: a page file is gone from the disk")
            self.record_event("blob_missing", dossier_id)

    # ------------------------------------------------------------------ events
    def _event_row(
        self, kind: str, dossier_id: str | None, detail: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "kind": kind,
            "dossier_id": dossier_id,
            "detail": json.dumps(detail, ensure_ascii=False, default=str),
            "wall": self.clock.wall().isoformat(),
            "mono": self.clock.monotonic(),
            "boot_id": self.clock.boot_id(),
            "clock_trusted": int(self.clock.trusted(self)),
        }

    def _insert_event(self, kind: str, dossier_id: str | None, detail: dict[str, Any]) -> None:
        row = self._event_row(kind, dossier_id, detail)
        self.db.execute(
            "INSERT INTO events (kind, dossier_id, detail, wall, mono, boot_id, clock_trusted)"
            " VALUES (:kind, :dossier_id, :detail, :wall, :mono, :boot_id, :clock_trusted)",
            row,
        )

    def record_event(self, kind: str, dossier_id: str | None = None, **detail: Any) -> None:
        """Append an event (no personal data in ``detail``)."""
        with self._lock, write_transaction(self.db):
            self._insert_event(kind, dossier_id, detail)

    def events(self, dossier_id: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        where, args = ("WHERE dossier_id = ?", [dossier_id]) if dossier_id else ("", [])
        with self._lock:
            return list(
                self.db.query(
                    f"SELECT * FROM events {where} ORDER BY id DESC LIMIT ?", [*args, limit]
                )
            )

    # ------------------------------------------------------------------ submissions
    def free_bytes(self) -> int:
        return shutil.disk_usage(self.data_dir).free

    def check_can_accept(self, expected_bytes: int = 0) -> None:
        """Raise SubmissionRefused unless a new dossier of about ``expected_bytes`` fits safely."""
        if not self.available:
            raise SubmissionRefused("store_corrupt", self._health.reason_vi, self._health.reason_en)
        if self.get_setting(TRANSPORT_MODE_SETTING, False):
            raise SubmissionRefused(
                "transport_mode",
                "Máy đang được di chuyển, tạm ngừng nhận hồ sơ. Vui lòng quay lại sau.",
                "transport mode is on: new submissions are stopped",
            )
        free = self.free_bytes()
        if free - expected_bytes < self.reserve_bytes:
            raise SubmissionRefused(
                "disk_reserve",
                "Bộ nhớ của máy sắp đầy nên tạm ngừng nhận hồ sơ mới. Vui lòng báo cán bộ "
                "hoặc nộp hồ sơ tại quầy.",
                f"free space {free // 2**20} MiB minus {expected_bytes // 2**20} MiB is below "
                f"the reserve of {self.reserve_bytes // 2**20} MiB",
            )

    def next_code_sequence(self, day: dt.date) -> int:
        """Atomically take the next per-day number (inside the caller's write transaction)."""
        return int(
            self.db.execute(
                "INSERT INTO day_counters (day, last_seq) VALUES (?, 1)"
                " ON CONFLICT(day) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq",
                [day.isoformat()],
            ).fetchone()[0]
        )

    def next_register_number(self, year: int) -> int:
        """Atomically take the next per-year register number (inside the caller's write
        transaction): the slip's "Số: …/TNHS" and the register line never repeat within a year,
        whatever the day, restarts or the number of processes finalizing."""
        return int(
            self.db.execute(
                "INSERT INTO year_counters (year, last_seq) VALUES (?, 1)"
                " ON CONFLICT(year) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq",
                [year],
            ).fetchone()[0]
        )

    @contextmanager
    def finalize_transaction(self) -> Iterator[sqlite_utils.Database]:
        """The one write transaction in which a finalized dossier's rows are committed."""
        with self._lock, write_transaction(self.db) as db:
            yield db

    def insert_finalized(self, new: NewDossier) -> int:
        """Insert a finalized dossier inside ``finalize_transaction``; returns its queue position.

        Its blobs must already be durable (``self.blobs.write``): a row never precedes its file.
        """
        seq: int = self.db.execute(
            "INSERT INTO dossiers (id, seq, code, procedure_code, state, finalized_at,"
            " finalized_mono, boot_id, clock_trusted, due_at, digest, envelope, total_bytes,"
            " page_count, replaces, slip_public, register_no)"
            " VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM dossiers),"
            " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
            [
                new.id,
                new.code,
                new.procedure_code,
                DossierState.QUEUED.value,
                _iso(new.finalized_at),
                new.finalized_mono,
                self.clock.boot_id(),
                int(new.clock_trusted),
                _iso(new.due_at),
                new.digest,
                new.envelope,
                sum(f.size for f in new.files) + len(new.envelope),
                len(new.files),
                new.replaces,
                json.dumps(new.slip_public, ensure_ascii=False),
                new.register_no,
            ],
        ).fetchone()[0]
        self.db.conn.executemany(
            "INSERT INTO files (sha256, dossier_id, size, component, page, media_type)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(f.sha256, new.id, f.size, f.component, f.page, f.media_type) for f in new.files],
        )
        self._insert_event("dossier_queued", new.id, {"code": new.code, "pages": len(new.files)})
        return seq

    # ------------------------------------------------------------------ reading
    def _rows(self, sql: str, args: Iterable[Any] = ()) -> list[DossierRecord]:
        with self._lock:
            return [DossierRecord.from_row(r) for r in self.db.query(sql, list(args))]

    def get(self, dossier_id: str) -> DossierRecord | None:
        rows = self._rows("SELECT * FROM dossiers WHERE id = ?", [dossier_id])
        return rows[0] if rows else None

    def find_by_code(self, code: str) -> DossierRecord | None:
        rows = self._rows(
            "SELECT * FROM dossiers WHERE code = ? OR portal_code = ?", [code.strip(), code.strip()]
        )
        return rows[0] if rows else None

    def all_dossiers(self) -> list[DossierRecord]:
        return self._rows("SELECT * FROM dossiers ORDER BY seq")

    def counts_by_state(self) -> dict[str, int]:
        counts = {s.value: 0 for s in DossierState}
        with self._lock:
            for row in self.db.query("SELECT state, COUNT(*) AS n FROM dossiers GROUP BY state"):
                counts[row["state"]] = row["n"]
        return counts

    def oldest_pending_age_s(self, now: dt.datetime | None = None) -> float | None:
        rows = self._rows(
            "SELECT * FROM dossiers WHERE " + _PENDING_SQL + " ORDER BY seq LIMIT 1"
        )
        if not rows:
            return None
        now = now or self.clock.wall()
        return max(0.0, (now - rows[0].finalized_at).total_seconds())

    def pending(self, limit: int = 20, now: dt.datetime | None = None) -> list[DossierRecord]:
        """Queued or interrupted dossiers due for an attempt, in finalize order."""
        now_iso = _iso(now or self.clock.wall())
        return self._rows(
            "SELECT * FROM dossiers WHERE " + _PENDING_SQL +
            " AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY seq LIMIT ?",
            [now_iso, limit],
        )

    def pending_count(self) -> int:
        with self._lock:
            return int(
                self.db.execute("SELECT COUNT(*) FROM dossiers WHERE " + _PENDING_SQL).fetchone()[0]
            )

    def next_attempt_at(self) -> dt.datetime | None:
        """When the earliest waiting dossier becomes due (None: nothing pending)."""
        with self._lock:
            row = self.db.execute(
                "SELECT MIN(COALESCE(next_attempt_at, '')) FROM dossiers"
                " WHERE " + _PENDING_SQL
            ).fetchone()
        if row[0] is None:
            return None
        return _parse_time(row[0]) if row[0] else self.clock.wall()

    def quarantined(self) -> list[DossierRecord]:
        return self._rows("SELECT * FROM dossiers WHERE state = 'quarantined' ORDER BY seq")

    def envelope(self, dossier_id: str) -> bytes:
        with self._lock:
            row = self.db.execute("SELECT envelope FROM dossiers WHERE id = ?", [dossier_id])
            found = row.fetchone()
        if found is None:
            raise KeyError(dossier_id)
        return bytes(found[0])

    def files(self, dossier_id: str) -> list[FileRecord]:
        with self._lock:
            rows = list(
                self.db.query(
                    "SELECT * FROM files WHERE dossier_id = ? ORDER BY component, page",
                    [dossier_id],
                )
            )
        return [
            FileRecord(
                r["sha256"],
                r["size"],
                r["component"],
                r["page"],
                r["media_type"],
                bool(r["confirmed"]),
            )
            for r in rows
        ]

    def read_blob(self, sha256: str) -> bytes:
        return self.blobs.read(sha256)

    # ------------------------------------------------------------------ lifecycle
    def _transition(
        self,
        dossier_id: str,
        target: DossierState,
        event: str,
        detail: dict[str, Any] | None = None,
        *,
        only_from: DossierState | None = None,
        **columns: Any,
    ) -> None:
        """Move a dossier to ``target``; ``only_from`` narrows TRANSITIONS for operations that
        share a target (a failed send and a staff restore both lead to ``queued``)."""
        with self._lock, write_transaction(self.db):
            row = self.db.execute(
                "SELECT state FROM dossiers WHERE id = ?", [dossier_id]
            ).fetchone()
            if row is None:
                raise KeyError(dossier_id)
            current = DossierState(row[0])
            if only_from is not None and current != only_from:
                raise IllegalTransition(current, target)
            check_transition(current, target)
            sets = ", ".join(f"{k} = ?" for k in ["state", *columns])
            self.db.execute(
                f"UPDATE dossiers SET {sets} WHERE id = ?",
                [target.value, *columns.values(), dossier_id],
            )
            self._insert_event(event, dossier_id, detail or {})

    def mark_sending(self, dossier_id: str) -> None:
        """Recorded before every attempt, so a crash mid-send is retried, never shown as sent."""
        with self._lock, write_transaction(self.db):
            row = self.db.execute(
                "SELECT state, attempts FROM dossiers WHERE id = ?", [dossier_id]
            ).fetchone()
            if row is None:
                raise KeyError(dossier_id)
            check_transition(DossierState(row[0]), DossierState.SENDING)
            self.db.execute(
                "UPDATE dossiers SET state = 'sending', attempts = attempts + 1,"
                " last_attempt_at = ? WHERE id = ?",
                [_iso(self.clock.wall()), dossier_id],
            )
            self._insert_event("send_attempt", dossier_id, {"attempt": row[1] + 1})

    def mark_retry(self, dossier_id: str, error: str, next_attempt_at: dt.datetime) -> None:
        self._transition(
            dossier_id,
            DossierState.QUEUED,
            "send_failed",
            {"error": error},
            only_from=DossierState.SENDING,
            last_error=error,
            next_attempt_at=_iso(next_attempt_at),
        )

    def mark_files_confirmed(self, dossier_id: str, sha256s: Iterable[str]) -> None:
        shas = list(sha256s)
        if not shas:
            return
        with self._lock, write_transaction(self.db):
            self.db.conn.executemany(
                "UPDATE files SET confirmed = 1 WHERE dossier_id = ? AND sha256 = ?",
                [(dossier_id, s) for s in shas],
            )

    def mark_sent(
        self, dossier_id: str, portal_code: str, received_at: dt.datetime, receipt: dict[str, Any]
    ) -> None:
        self._transition(
            dossier_id,
            DossierState.SENT,
            "dossier_sent",
            {"portal_code": portal_code},
            portal_code=portal_code,
            received_at=_iso(received_at),
            receipt=json.dumps(receipt, ensure_ascii=False),
            last_error=None,
            next_attempt_at=None,
        )

    def quarantine(self, dossier_id: str, reason: str) -> None:
        self._transition(
            dossier_id,
            DossierState.QUARANTINED,
            "dossier_quarantined",
            {"reason": reason},
            quarantine_reason=reason,
        )

    def restore(self, dossier_id: str) -> None:
        """Staff put a quarantined dossier back in the queue."""
        self._transition(
            dossier_id,
            DossierState.QUEUED,
            "dossier_restored",
            only_from=DossierState.QUARANTINED,
            quarantine_reason=None,
            next_attempt_at=None,
            last_error=None,
        )
        self.request_sync()

    def purge(self, dossier_id: str) -> None:
        """Delete a sent dossier's blobs once the gateway confirmed every file.

        The state is committed first; a crash before the files are gone leaves files whose row
        says purged, which reconciliation deletes.
        """
        files = self.files(dossier_id)
        if not all(f.confirmed for f in files):
            raise BlobError(f"dossier {dossier_id} has files the gateway has not confirmed")
        self._transition(
            dossier_id, DossierState.PURGED, "dossier_purged", purged_at=_iso(self.clock.wall())
        )
        for f in files:
            self.blobs.delete(f.sha256)

    def expire_tombstones(self, retention_days: int, now: dt.datetime | None = None) -> int:
        """Delete tombstones of purged dossiers older than the retention period."""
        cutoff = _iso((now or self.clock.wall()) - dt.timedelta(days=retention_days))
        with self._lock, write_transaction(self.db):
            ids = [
                r[0]
                for r in self.db.execute(
                    "SELECT id FROM dossiers WHERE state = 'purged' AND purged_at < ?", [cutoff]
                ).fetchall()
            ]
            for dossier_id in ids:
                self.db.execute("DELETE FROM files WHERE dossier_id = ?", [dossier_id])
                self.db.execute("DELETE FROM dossiers WHERE id = ?", [dossier_id])
            if ids:
                self._insert_event("tombstones_expired", None, {"count": len(ids)})
        return len(ids)

    def set_portal_status(self, dossier_id: str, status: int, at: dt.datetime) -> None:
        if not 1 <= status <= 10:
            raise ValueError(f"portal status {status} is not in 1–10")
        with self._lock, write_transaction(self.db):
            self.db.execute(
                "UPDATE dossiers SET portal_status = ?, portal_status_at = ? WHERE id = ?",
                [status, _iso(at), dossier_id],
            )
            self._insert_event("portal_status", dossier_id, {"status": status})

    # ------------------------------------------------------------------ sync state and alerts
    def _kv_get(self, table: str) -> dict[str, Any]:
        with self._lock:
            return {
                r["key"]: json.loads(r["value"]) for r in self.db.query(f"SELECT * FROM {table}")
            }

    def _kv_set(self, table: str, values: dict[str, Any]) -> None:
        with self._lock, write_transaction(self.db):
            for key, value in values.items():
                self.db.execute(
                    f"INSERT INTO {table} (key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [key, json.dumps(value, ensure_ascii=False, default=str)],
                )

    def sync_state(self) -> dict[str, Any]:
        return self._kv_get("sync_state")

    def update_sync_state(self, **values: Any) -> None:
        self._kv_set("sync_state", values)

    def report_devices(self, statuses: dict[str, dict[str, str]]) -> None:
        """Record the devices' last known status (by the UI, which owns them, or ``doctor``) so
        that ``kiosk status`` and the sync daemon's heartbeat can report it: each value is
        ``{"state", "code", "reason_en"}`` with ``state`` ok/degraded/failed/unknown."""
        self.set_setting(
            DEVICE_STATUS_SETTING,
            {"at": _iso(self.clock.wall()), "devices": statuses},
        )

    def device_status(self) -> dict[str, Any]:
        """``{"at": iso time, "devices": {...}}`` as last reported, or ``{}``."""
        status: dict[str, Any] = self.get_setting(DEVICE_STATUS_SETTING, {})
        return status

    def get_setting(self, key: str, default: Any = None) -> Any:
        if self._db is None:
            return default
        with self._lock:
            row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        self._kv_set("settings", {key: value})

    def raise_alert(self, code: str, reason_vi: str, reason_en: str) -> None:
        with self._lock, write_transaction(self.db):
            cur = self.db.execute(
                "INSERT INTO alerts (code, message_vi, message_en, raised_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(code) DO UPDATE SET message_vi = excluded.message_vi,"
                " message_en = excluded.message_en",
                [code, reason_vi, reason_en, _iso(self.clock.wall())],
            )
            if cur.rowcount:
                self._insert_event("alert_raised", None, {"code": code, "message": reason_en})

    def resolve_alert(self, code: str) -> None:
        with self._lock, write_transaction(self.db):
            if self.db.execute("DELETE FROM alerts WHERE code = ?", [code]).rowcount:
                self._insert_event("alert_resolved", None, {"code": code})

    def alerts(self) -> list[Alert]:
        with self._lock:
            rows = list(self.db.query("SELECT * FROM alerts ORDER BY raised_at"))
        return [
            Alert(
                r["code"],
                r["message_vi"],
                r["message_en"],
                dt.datetime.fromisoformat(r["raised_at"]),
            )
            for r in rows
        ]

    def request_sync(self) -> None:
        """Wake the sync daemon ("send now", or new work): touch the wake file."""
        with open(self.wake_path, "a", encoding="ascii") as f:
            f.write(".")
        os.utime(self.wake_path)

    # ------------------------------------------------------------------ ratings and catalogue
    def add_rating(self, rating_id: str, dossier_code: str, body: dict[str, Any]) -> None:
        with self._lock, write_transaction(self.db):
            self.db.execute(
                "INSERT INTO ratings (id, dossier_code, body, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(id) DO NOTHING",
                [
                    rating_id,
                    dossier_code,
                    json.dumps(body, ensure_ascii=False),
                    _iso(self.clock.wall()),
                ],
            )
            self._insert_event("rating_added", None, {"rating_id": rating_id})
        self.request_sync()

    def pending_ratings(self) -> list[tuple[str, dict[str, Any]]]:
        with self._lock:
            rows = list(self.db.query("SELECT * FROM ratings WHERE sent_at IS NULL ORDER BY rowid"))
        return [
            (r["id"], {**json.loads(r["body"]), "dossier_code": r["dossier_code"]}) for r in rows
        ]

    def mark_rating_sent(self, rating_id: str) -> None:
        with self._lock, write_transaction(self.db):
            self.db.execute(
                "UPDATE ratings SET sent_at = ? WHERE id = ?", [_iso(self.clock.wall()), rating_id]
            )

    def save_catalogue(self, data: dict[str, Any], etag: str | None) -> None:
        with self._lock, write_transaction(self.db):
            self.db.execute(
                "INSERT INTO catalogue (id, body, etag, saved_at) VALUES (1, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET body = excluded.body, etag = excluded.etag,"
                " saved_at = excluded.saved_at",
                [json.dumps(data, ensure_ascii=False), etag, _iso(self.clock.wall())],
            )
            self._insert_event("catalogue_saved", None, {"version": data.get("version")})

    def load_catalogue(self) -> tuple[dict[str, Any], str | None] | None:
        with self._lock:
            row = self.db.execute("SELECT body, etag FROM catalogue WHERE id = 1").fetchone()
        return (json.loads(row[0]), row[1]) if row else None
