"""Numbered schema migrations (sqlite-utils ``Migrations``), applied under one write lock.

Never edit an applied migration: add the next number. Names sort in application order.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

from appliance.store.db import write_transaction

migrations = Migrations("kiosk-store")


_INITIAL = [
    """
    CREATE TABLE dossiers (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        code TEXT NOT NULL UNIQUE,
        procedure_code TEXT NOT NULL,
        state TEXT NOT NULL,
        finalized_at TEXT NOT NULL,
        finalized_mono REAL NOT NULL,
        boot_id TEXT NOT NULL,
        clock_trusted INTEGER NOT NULL,
        due_at TEXT,
        digest TEXT NOT NULL,
        envelope BLOB NOT NULL,
        total_bytes INTEGER NOT NULL,
        page_count INTEGER NOT NULL,
        replaces TEXT,
        slip_public TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_attempt_at TEXT,
        next_attempt_at TEXT,
        last_error TEXT,
        quarantine_reason TEXT,
        portal_code TEXT,
        received_at TEXT,
        receipt TEXT,
        portal_status INTEGER,
        portal_status_at TEXT,
        purged_at TEXT
    )
    """,
    "CREATE INDEX dossiers_state_seq ON dossiers(state, seq)",
    """
    CREATE TABLE files (
        sha256 TEXT PRIMARY KEY,
        dossier_id TEXT NOT NULL REFERENCES dossiers(id),
        size INTEGER NOT NULL,
        component TEXT NOT NULL,
        page INTEGER NOT NULL,
        media_type TEXT NOT NULL,
        confirmed INTEGER NOT NULL DEFAULT 0
    )
    """,
    "CREATE INDEX files_dossier ON files(dossier_id)",
    """
    CREATE TABLE day_counters (
        day TEXT PRIMARY KEY,
        last_seq INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        dossier_id TEXT,
        detail TEXT NOT NULL DEFAULT '{}',
        wall TEXT NOT NULL,
        mono REAL NOT NULL,
        boot_id TEXT NOT NULL,
        clock_trusted INTEGER NOT NULL
    )
    """,
    "CREATE INDEX events_dossier ON events(dossier_id)",
    """
    CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END
    """,
    """
    CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END
    """,
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """
    CREATE TABLE alerts (
        code TEXT PRIMARY KEY,
        message_vi TEXT NOT NULL,
        message_en TEXT NOT NULL,
        raised_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE ratings (
        id TEXT PRIMARY KEY,
        dossier_code TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        sent_at TEXT
    )
    """,
    """
    CREATE TABLE catalogue (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        body TEXT NOT NULL,
        etag TEXT,
        saved_at TEXT NOT NULL
    )
    """,
]


@migrations(name="0001_initial")
def _initial(db: sqlite_utils.Database) -> None:
    # Statement by statement: executescript() would COMMIT the surrounding write transaction.
    for statement in _INITIAL:
        db.execute(statement)


@migrations(name="0003_record_year_sequence")
def _record_year_sequence(db: sqlite_utils.Database) -> None:
    """The per-year register number (Sổ theo dõi hồ sơ, "Số: …/TNHS"), issue 14 item 5.

    The counter of a year already in use starts after every number the daily counters issued
    that year, so a register number never repeats one printed before the upgrade."""
    db.execute("CREATE TABLE year_counters (year INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL)")
    db.execute("ALTER TABLE dossiers ADD COLUMN register_no INTEGER")
    db.execute(
        "INSERT INTO year_counters (year, last_seq)"
        " SELECT CAST(substr(day, 1, 4) AS INTEGER), SUM(last_seq) FROM day_counters"
        " GROUP BY substr(day, 1, 4)"
    )


def apply(db: sqlite_utils.Database) -> list[str]:
    """Apply pending migrations atomically; returns the names applied.

    The whole run holds ``BEGIN IMMEDIATE``, so two processes starting together cannot both
    apply the same migration (sqlite-utils nests each migration as a savepoint inside it).
    """
    if not migrations.pending(db):
        return []
    with write_transaction(db):
        pending = [m.name for m in migrations.pending(db)]
        migrations.apply(db)
    return pending
