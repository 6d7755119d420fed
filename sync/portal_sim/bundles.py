"""The gateway's updates feed for the kiosk software itself (issue 16): signed RAUC bundles.

An administrator publishes a bundle (a file on the gateway host) and sets its roll-out: a
percentage of kiosks and/or a list of kiosk ids. Each kiosk asks its feed for the latest rolled-out
bundle and decides itself whether the roll-out includes it (``appliance.update.policy.Rollout``,
a stable hash, so the gateway serves one announcement to all). The bundle is downloaded with HTTP
``Range`` requests so a cut connection resumes where it stopped. The gateway only carries bytes:
the bundle's X.509 signature is checked on the kiosk against the keyring in its read-only root.

Each kiosk's version, slot and update state arrive in its heartbeat (``update``) and are listed by
``admin_updates`` per kiosk.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kioskbase.files import copy_hashed
from sync.portal_sim.db import SimDB, dumps
from sync.portal_sim.verify import ApiError

SCHEMA = """
CREATE TABLE IF NOT EXISTS bundles (
    version TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    published_at TEXT NOT NULL,
    percent REAL NOT NULL DEFAULT 0,
    kiosks TEXT NOT NULL DEFAULT '[]',
    rolled_out_at TEXT
);
"""
VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+~-]{0,63}$")
URL_PREFIX = "/api/v1/bundles/"
CHUNK = 64 * 1024
MAX_KIOSKS = 10_000


class Bundles:
    def __init__(self, db: SimDB, directory: Path, now_iso: Callable[[], str]) -> None:
        self.db = db
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.now_iso = now_iso
        with db.tx() as conn:
            conn.execute(SCHEMA)

    def path(self, version: str) -> Path:
        return self.directory / f"{version}.raucb"

    # --- admin
    def publish(self, body: object) -> tuple[int, dict[str, Any]]:
        """``{"version", "path"}``: copy a bundle file from the gateway host into the feed."""
        if not isinstance(body, dict) or not isinstance(body.get("path"), str):
            raise ApiError(400, "bad_request", 'expected {"version": str, "path": str}')
        version = _version(body.get("version"))
        source = Path(body["path"])
        if not source.is_file():
            raise ApiError(400, "bad_request", "path is not a readable file on the gateway host")
        tmp, size, digest = self._copy_in(source, version)
        with self.db.tx() as conn:
            held = conn.execute("SELECT sha256 FROM bundles WHERE version = ?",
                                (version,)).fetchone()
            if held is not None and held["sha256"] != digest:
                tmp.unlink()
                raise ApiError(409, "conflict", "this version is published with another digest")
            tmp.replace(self.path(version))
            if held is None:
                conn.execute("INSERT INTO bundles(version, size, sha256, published_at) "
                             "VALUES(?,?,?,?)", (version, size, digest, self.now_iso()))
        return (200 if held else 201), {"version": version, "size": size, "sha256": digest}

    def _copy_in(self, source: Path, version: str) -> tuple[Path, int, str]:
        """Copied (and fsynced) beside its final name, hashed on the way."""
        tmp = self.path(version).with_suffix(".tmp")
        size, sha256 = copy_hashed(source, tmp, CHUNK)
        if size == 0:
            tmp.unlink()
            raise ApiError(400, "bad_request", "the bundle file is empty")
        return tmp, size, sha256

    def set_rollout(self, version: str, body: object) -> dict[str, Any]:
        """``{"percent": 0..100, "kiosks": [ids]}``: this bundle becomes the announced one."""
        version = _version(version)
        percent, kiosks = _rollout(body)
        with self.db.tx() as conn:
            done = conn.execute(
                "UPDATE bundles SET percent = ?, kiosks = ?, rolled_out_at = ? WHERE version = ?",
                (percent, dumps(kiosks), self.now_iso(), version)).rowcount
        if not done:
            raise ApiError(404, "not_found", "no bundle of this version was published")
        return {"version": version, "rollout": {"percent": percent, "kiosks": kiosks}}

    def listing(self) -> list[dict[str, Any]]:
        with self.db.locked() as conn:
            rows = conn.execute("SELECT * FROM bundles ORDER BY published_at").fetchall()
        return [_announcement(r) | {"published_at": r["published_at"],
                                    "rolled_out_at": r["rolled_out_at"]} for r in rows]

    def kiosk_updates(self) -> dict[str, dict[str, Any]]:
        """Per kiosk: version, slot and update state from its last heartbeat."""
        with self.db.locked() as conn:
            rows = conn.execute("SELECT kiosk_id, body, received_at FROM heartbeats "
                                "ORDER BY kiosk_id").fetchall()
        out = {}
        for r in rows:
            beat = json.loads(r["body"])
            update = beat.get("update") if isinstance(beat.get("update"), dict) else {}
            out[r["kiosk_id"]] = {"version": beat.get("version"), **update,
                                  "heartbeat_at": r["received_at"]}
        return out

    # --- the kiosk's side
    def feed(self, kiosk_id: str, path_kiosk: str) -> dict[str, Any]:
        if path_kiosk != kiosk_id:
            raise ApiError(403, "forbidden", "a kiosk may only read its own feed")
        with self.db.locked() as conn:
            row = conn.execute("SELECT * FROM bundles WHERE rolled_out_at IS NOT NULL "
                               "ORDER BY rolled_out_at DESC, version DESC LIMIT 1").fetchone()
        return {"bundle": _announcement(row) if row is not None else None}

    def open_range(self, version: str, range_header: str | None
                   ) -> tuple[int, int, int, Iterator[bytes]]:
        """(status, start, total, chunks) for a GET with an optional ``bytes=N-`` / ``N-M``."""
        version = _version(version)
        with self.db.locked() as conn:
            row = conn.execute("SELECT size FROM bundles WHERE version = ?",
                               (version,)).fetchone()
        if row is None:
            raise ApiError(404, "not_found", "no bundle of this version")
        total = int(row["size"])
        start, end = _range(range_header, total)
        return (206 if range_header else 200), start, total, self._chunks(version, start, end)

    def _chunks(self, version: str, start: int, end: int) -> Iterator[bytes]:
        with self.path(version).open("rb") as f:
            f.seek(start)
            left = end - start
            while left > 0 and (block := f.read(min(CHUNK, left))):
                left -= len(block)
                yield block


def _version(value: object) -> str:
    if not isinstance(value, str) or not VERSION.match(value):
        raise ApiError(400, "bad_request", "version must be 1–64 of [0-9A-Za-z.+~-]")
    return value


def _rollout(body: object) -> tuple[float, list[str]]:
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", 'expected {"percent": 0..100, "kiosks": [ids]}')
    percent, kiosks = body.get("percent", 0), body.get("kiosks", [])
    if isinstance(percent, bool) or not isinstance(percent, int | float) \
            or not math.isfinite(percent) or not 0 <= percent <= 100:
        raise ApiError(400, "bad_request", "percent must be a number within 0..100")
    if not isinstance(kiosks, list) or len(kiosks) > MAX_KIOSKS or not all(
            isinstance(k, str) and 0 < len(k) <= 64 for k in kiosks):
        raise ApiError(400, "bad_request", "kiosks must be a list of kiosk ids")
    return float(percent), sorted(set(kiosks))


def _announcement(row: Any) -> dict[str, Any]:
    return {"version": row["version"], "size": row["size"], "sha256": row["sha256"],
            "url": URL_PREFIX + row["version"],
            "rollout": {"percent": row["percent"], "kiosks": json.loads(row["kiosks"])}}


def _range(header: str | None, total: int) -> tuple[int, int]:
    """[start, end) of ``bytes=N-`` or ``bytes=N-M`` (one range only); 416 when unsatisfiable."""
    if not header:
        return 0, total
    m = re.fullmatch(r"bytes=(\d{1,18})-(\d{0,18})", header.strip())
    if m is None:
        raise ApiError(416, "bad_range", "only one range bytes=N- or bytes=N-M is served",
                       size=total)
    start = int(m.group(1))
    end = min(int(m.group(2)) + 1, total) if m.group(2) else total
    if start >= total or end <= start:
        raise ApiError(416, "bad_range", "range outside the bundle", size=total)
    return start, end
