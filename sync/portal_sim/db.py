"""The reference gateway's own storage: one SQLite file plus a folder of received files.

The sim is a real receiver, so what it acknowledges must survive its own restart or a crash:
received files are fsynced before the row that records them, and the database runs in WAL mode.
It uses ``synchronous=NORMAL`` (safe against a crash of the process, not against a power cut of the
host): a development gateway trades that last guarantee for a gateway fast enough not to hide the
kiosk's own costs in benchmarks. One connection behind a lock keeps the handlers simple.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from appliance.durable import fsync_dir
from sync.portal_sim import answers

SCHEMA = """
CREATE TABLE IF NOT EXISTS clients (
    client_id TEXT PRIMARY KEY,
    secret_sha256 TEXT NOT NULL,
    kiosk_id TEXT NOT NULL UNIQUE,
    device_key TEXT
);
CREATE TABLE IF NOT EXISTS tokens (
    token_sha256 TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients(client_id),
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS devices (
    kiosk_id TEXT PRIMARY KEY,
    device_key TEXT NOT NULL,
    enrolled_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS enrolment_codes (
    code_sha256 TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    purpose TEXT NOT NULL CHECK (purpose IN ('enrol', 'rotate')),
    created_at TEXT NOT NULL,
    expires_at REAL NOT NULL,
    used_at TEXT
);
CREATE TABLE IF NOT EXISTS dossiers (
    id TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    dossier_code TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    envelope TEXT NOT NULL,
    created_at TEXT NOT NULL,
    completed_at TEXT,
    portal_code TEXT UNIQUE,
    status INTEGER,
    status_at TEXT,
    rejected TEXT,
    summary TEXT
);
CREATE TABLE IF NOT EXISTS files (
    dossier_id TEXT NOT NULL REFERENCES dossiers(id),
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    component TEXT NOT NULL,
    page INTEGER NOT NULL,
    received_at TEXT,
    PRIMARY KEY (dossier_id, sha256)
);
CREATE TABLE IF NOT EXISTS updates (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kiosk_id TEXT NOT NULL,
    dossier_id TEXT NOT NULL,
    status INTEGER NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ratings (
    id TEXT PRIMARY KEY,
    kiosk_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS heartbeats (
    kiosk_id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL,
    count INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS daily_codes (
    prefix TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);
"""


class SimDB:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.files_dir = data_dir / "files"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        path = data_dir / "portal.db"
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)  # decrypted summaries; SQLite gives its WAL the same mode
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._drop_plain_tokens()
        self._conn.executescript(SCHEMA)
        answers.add_answer_columns(self._conn)

    def _drop_plain_tokens(self) -> None:
        """Older sims kept bearer tokens in clear; they are short-lived, so drop them all."""
        columns = [r["name"] for r in self._conn.execute("PRAGMA table_info(tokens)")]
        if "token" in columns:
            self._conn.execute("DROP TABLE tokens")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction; the lock also serialises read-modify-write handlers."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def locked(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._conn

    def bump(self, conn: sqlite3.Connection, name: str, by: int = 1) -> None:
        conn.execute(
            "INSERT INTO counters(name, value) VALUES(?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
            (name, by),
        )

    def counters(self) -> dict[str, int]:
        with self.locked() as conn:
            return {r["name"]: r["value"] for r in conn.execute("SELECT * FROM counters")}

    # --- files on disk
    def file_path(self, sha256: str) -> Path:
        return self.files_dir / sha256

    def has_file(self, sha256: str) -> bool:
        return self.file_path(sha256).exists()

    def write_file(self, sha256: str, data: bytes) -> None:
        """Temp file, fsync, rename, fsync the folder: a received file survives a power cut."""
        path = self.file_path(sha256)
        if path.exists():
            return
        tmp = path.with_name(f"{sha256}.{threading.get_ident()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        fsync_dir(self.files_dir)

    def read_file(self, sha256: str) -> bytes:
        return self.file_path(sha256).read_bytes()


def dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)
