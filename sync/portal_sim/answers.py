"""The province's answer about a dossier, and looking a dossier up by its short tracking code.

A kiosk submission is *nộp* (TrangThaiHoSo 1, "Mới đăng ký"), not *tiếp nhận*: an officer checks
it and answers (reference 2026 §1 (a), §5). The answer is what the sim's administrator tells it
(``POST /admin/dossiers/{id}/answer``): accept with the official return date (status 2, with
``NgayTiepNhan`` and ``NgayHenTra``), ask for more papers (status 5, with the reason), or refuse
(status 3, with the reason); any other status (processing, result ready …) through
``/admin/dossiers/{id}/status``. Each answer is one row of the kiosk's updates feed, carrying the
official fields as they stood then. Kept apart from ``gateway.py`` so the HTTP-free gateway core
and its storage can take these functions as they are.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

from appliance.domain.tracking_code import normalise_tracking_code
from sync.portal_sim.verify import ApiError

STATUS_SUBMITTED = 1
"""TrangThaiHoSo 1, Mới đăng ký: every page arrived and verifies; no officer has checked it."""
ACCEPTED, MORE_PAPERS, REFUSED = 2, 5, 3
DECISIONS = {"accept": ACCEPTED, "more_papers": MORE_PAPERS, "reject": REFUSED}
MAX_REASON = 500
PORTAL_TIME = "%Y%m%d%H%M%S"

COLUMNS = {
    "dossiers": ("tracking_code TEXT", "official_received_at TEXT", "official_due_at TEXT",
                 "reason TEXT"),
    "updates": ("answer TEXT",),
}


def add_answer_columns(conn: sqlite3.Connection) -> None:
    """Add the answer's columns to a sim database made before them (idempotent)."""
    for table, columns in COLUMNS.items():
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        for column in columns:
            if column.split()[0] not in have:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
    conn.execute("CREATE INDEX IF NOT EXISTS dossiers_tracking ON dossiers(tracking_code)")


def manifest_tracking_code(manifest: dict[str, Any]) -> str | None:
    """The manifest's tracking code (optional: older kiosks send none); 422 when malformed."""
    code = manifest.get("tracking_code")
    if code is None:
        return None
    found = normalise_tracking_code(code)
    if found is None or found != code:
        raise ApiError(422, "invalid_manifest", "'tracking_code' must be 8 symbols of the "
                       "tracking alphabet with a valid check symbol")
    return found


def parse_decision(body: object, now: dt.datetime) -> tuple[int, dt.datetime | None, str | None]:
    """(status, official due, reason) from an admin answer body; ApiError 400 when malformed.

    ``{"decision": "accept", "due": "2026-12-10T16:00:00+07:00"}`` (default: the kiosk's
    estimate), ``{"decision": "more_papers", "reason": "…"}``, ``{"decision": "reject",
    "reason": "…"}``."""
    if not isinstance(body, dict) or body.get("decision") not in DECISIONS:
        raise ApiError(400, "bad_request", "expected {'decision': accept | more_papers | reject}")
    status = DECISIONS[body["decision"]]
    reason = body.get("reason")
    if status != ACCEPTED and not (isinstance(reason, str) and 0 < len(reason) <= MAX_REASON):
        raise ApiError(400, "bad_request", f"'reason' (1–{MAX_REASON} characters) is required")
    due = None
    if status == ACCEPTED and body.get("due") is not None:
        try:
            due = dt.datetime.fromisoformat(str(body["due"]))
        except ValueError:
            raise ApiError(400, "bad_request", "'due' must be an ISO date-time") from None
        if due.tzinfo is None:
            due = due.replace(tzinfo=now.tzinfo)
    return status, due, reason if status != ACCEPTED else None


def record_answer(conn: sqlite3.Connection, dossier_id: str, status: int, now: dt.datetime, *,
                  due: dt.datetime | None = None, reason: str | None = None) -> dict[str, Any]:
    """Apply an answer to a complete dossier (inside the caller's transaction) and append it to
    its kiosk's updates feed. Returns the feed item."""
    row = conn.execute("SELECT * FROM dossiers WHERE id = ?", (dossier_id,)).fetchone()
    if row is None or row["completed_at"] is None:
        raise ApiError(404, "not_found", "no complete dossier with this id")
    received, official_due = row["official_received_at"], row["official_due_at"]
    if status == ACCEPTED:
        received = received or now.isoformat()
        official_due = (due.isoformat() if due else official_due) or _kiosk_estimate(row)
    conn.execute("UPDATE dossiers SET status = ?, status_at = ?, official_received_at = ?, "
                 "official_due_at = ?, reason = ? WHERE id = ?",
                 (status, now.isoformat(), received, official_due, reason, dossier_id))
    answer = {"MaHoSo": row["portal_code"], "NgayTiepNhan": _stamp(received),
              "NgayHenTra": _stamp(official_due), "LyDo": reason}
    conn.execute("INSERT INTO updates(kiosk_id, dossier_id, status, at, answer) "
                 "VALUES(?,?,?,?,?)", (row["kiosk_id"], dossier_id, status, now.isoformat(),
                                       json.dumps(answer, ensure_ascii=False)))
    return {"dossier_id": dossier_id, "TrangThaiHoSo": status, "at": now.isoformat(), **answer}


def _kiosk_estimate(row: sqlite3.Row) -> str | None:
    """The kiosk's own estimate (manifest ``due_at``), the default official date on accept."""
    due = json.loads(row["envelope"])["manifest"].get("due_at")
    if not due:
        return None
    when = dt.datetime.strptime(due, PORTAL_TIME)
    return when.replace(tzinfo=dt.timezone(dt.timedelta(hours=7))).isoformat()


def _stamp(iso: str | None) -> str | None:
    return dt.datetime.fromisoformat(iso).strftime(PORTAL_TIME) if iso else None


def feed_fields(answer: str | None) -> dict[str, Any]:
    """The official fields an updates row carries (older rows carry none)."""
    return json.loads(answer) if answer else {}


def track(conn: sqlite3.Connection, text: str) -> dict[str, Any]:
    """What any kiosk of the unit may show about a dossier found by its tracking code: the
    procedure, the status and the dates, never personal data. 404 unknown, 409 ambiguous."""
    code = normalise_tracking_code(text)
    if code is None:
        raise ApiError(404, "not_found", "not a valid tracking code")
    rows = conn.execute("SELECT * FROM dossiers WHERE tracking_code = ? AND rejected IS NULL",
                        (code,)).fetchall()
    if not rows:
        raise ApiError(404, "not_found", "no dossier holds this tracking code")
    if len(rows) > 1:
        raise ApiError(409, "ambiguous_tracking_code",
                       "two kiosks drew this tracking code: use the QR or the full code")
    row = rows[0]
    summary = json.loads(row["summary"] or "{}")
    manifest = json.loads(row["envelope"])["manifest"]
    return {
        "tracking_code": code, "dossier_code": row["dossier_code"],
        "MaHoSo": row["portal_code"], "MaTTHC": row["procedure_code"],
        "TenTTHC": summary.get("TenTTHC"), "TrangThaiHoSo": row["status"],
        "at": row["status_at"], "NgayNopHoSo": manifest.get("finalized_at"),
        "NgayHenTraDuKien": manifest.get("due_at"),
        "NgayTiepNhan": _stamp(row["official_received_at"]),
        "NgayHenTra": _stamp(row["official_due_at"]), "LyDo": row["reason"],
    }
