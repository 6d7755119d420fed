"""SQLite connections with the durability settings of DESIGN §4 on every one of them."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

BUSY_TIMEOUT_MS = 15_000
"""How long a writer waits for another process's write transaction before giving up."""


def connect(path: Path) -> sqlite_utils.Database:
    """Open ``path`` in WAL mode with ``synchronous=FULL``, foreign keys and a busy timeout.

    The connection is in autocommit mode (``isolation_level=None``): every write goes through
    ``write_transaction`` so transactions are explicit, short and ``BEGIN IMMEDIATE``.
    """
    conn = sqlite3.connect(
        path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
    )
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if mode.lower() != "wal":
        raise sqlite3.OperationalError(f"could not switch {path} to WAL (got {mode})")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    return sqlite_utils.Database(conn)


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``: take the write lock up front so no upgrade can deadlock.

    ``busy_timeout`` makes BEGIN wait for another process's writer; a few extra retries cover
    the rare SQLITE_BUSY that WAL recovery can return immediately.
    """
    conn = db.conn
    for attempt in range(5):
        try:
            conn.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as exc:
            if ("locked" not in str(exc) and "busy" not in str(exc)) or attempt == 4:
                raise
            time.sleep(0.05 * (attempt + 1))
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
