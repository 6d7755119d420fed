"""A/B updates and the store (issue 16): after a roll-back, the old system opens a store that the
new one migrated. That is safe because migrations only add — tables, indexes, nullable or
defaulted columns, rows — and because sqlite-utils' migration log lets a version ignore the
migration names it does not know. Both halves are checked here."""

from __future__ import annotations

import ast
import re
import sqlite3
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

from appliance.store import migrations as store_migrations

SOURCE = Path(store_migrations.__file__)
ADD_COLUMN = re.compile(r"ALTER\s+TABLE\s+\w+\s+ADD\s+COLUMN\s+(?P<rest>[^\"']*)", re.I)


def _sql_strings() -> list[str]:
    tree = ast.parse(SOURCE.read_text(encoding="utf-8"))
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and re.search(r"\b(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE)\b", node.value)]


def test_migrations_only_add() -> None:
    offences = []
    for sql in _sql_strings():
        if re.search(r"\bDROP\b|\bRENAME\b", sql, re.I):
            offences.append(sql[:80])
        for m in ADD_COLUMN.finditer(sql):
            rest = m.group("rest")
            if re.search(r"NOT\s+NULL", rest, re.I) and not re.search(r"DEFAULT", rest, re.I):
                offences.append(f"NOT NULL column without DEFAULT: {sql[:80]}")
    assert offences == []


def test_the_checker_catches_a_destructive_migration() -> None:
    bad = "ALTER TABLE dossiers ADD COLUMN must_have TEXT NOT NULL"
    m = ADD_COLUMN.search(bad)
    assert m is not None and "NOT NULL" in m.group("rest")


def test_an_older_version_ignores_migrations_it_does_not_know(tmp_path: Path) -> None:
    db = sqlite_utils.Database(sqlite3.connect(tmp_path / "kiosk.db"))
    store_migrations.apply(db)  # the new version migrated the store
    old = Migrations("kiosk-store")  # the old version knows only the first migration
    old(name="0001_initial")(lambda db: None)
    assert old.pending(db) == []
    # …and the old version's insert (only the columns it knew) still succeeds.
    db.execute(
        "INSERT INTO dossiers (id, seq, code, procedure_code, state, finalized_at, "
        "finalized_mono, boot_id, clock_trusted, digest, envelope, total_bytes, page_count, "
        "slip_public) VALUES ('d', 1, 'c', 'p', 'queued', 't', 0, 'b', 1, 'x', x'00', 1, 1, "
        "'{}')")
    assert db.execute("SELECT register_no FROM dossiers").fetchone() == (None,)
