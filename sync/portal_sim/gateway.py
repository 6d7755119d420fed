"""The gateway's behaviour, independent of HTTP: tokens, dossiers, files, receipts, the updates
feed, ratings, heartbeats and the admin view (DESIGN §7, docs/gateway-api.yaml).

Trust: a bearer token is stored only as its sha256; a manifest is accepted only from the kiosk's
enrolled device key (``enrolment.py``); its ``dossier_code`` must be the sending kiosk's and unique;
every receipt is signed with the gateway's Ed25519 receipt key, whose public half the kiosk holds.
Error messages name ids, codes and fields, never a value from the citizen's data.

Idempotency rules: a dossier id is the key. Same id and same digest replays the original answer
(with what is still missing, or the receipt); same id and another digest is 409. A file is keyed by
its sha256 and stored once. A rating id is stored once; same id with another body is 409.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import sqlite3
import time
from pathlib import Path
from typing import Any

from appliance.crypto import DeviceKey, PortalKey, canonical_json, sha256_hex
from appliance.domain.codes import parse_dossier_code
from appliance.domain.rating import CRITERIA, LEVELS, MAX_REASON_LEN
from appliance.durable import write_atomic
from sync.portal_sim import verify
from sync.portal_sim.db import SimDB, dumps
from sync.portal_sim.enrolment import Enrolment
from sync.portal_sim.national import KIOSK_CHANNEL
from sync.portal_sim.verify import ApiError, parse_json

log = logging.getLogger("portal_sim")
VN_TZ = dt.timezone(dt.timedelta(hours=7), "Asia/Ho_Chi_Minh")
SERVICE_NAME = "kiosk-gateway"
STATUS_RECEIVED = 2
"""TrangThaiHoSo 2, Được tiếp nhận: set when the last file arrives and every page verifies."""


HEARTBEAT_FIELDS: dict[str, tuple[type, ...]] = {
    "oldest_pending_age_s": (int, float, type(None)), "counts": (dict,), "paper": (str,),
    "disk_free_mb": (int, float), "version": (str,), "site": (str,), "alerts": (list,),
    "devices": (dict,),
    "sent_at": (str,),
}


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def stamp(when: dt.datetime) -> str:
    return when.strftime("%Y%m%d%H%M%S")


def default_catalogue() -> dict[str, Any]:
    from appliance.domain.catalogue import default_catalogue as domain_default

    return domain_default().to_dict()


def procedure_codes(catalogue: dict[str, Any]) -> set[str]:
    """Procedure codes a catalogue offers; empty when its shape names none (then all pass)."""
    codes: set[str] = set()
    for proc in catalogue.get("procedures", []) if isinstance(catalogue, dict) else []:
        if isinstance(proc, dict):
            code = proc.get("code") or proc.get("MaTTHC")
            if isinstance(code, str):
                codes.add(code)
    return codes


def _one_of(value: object, codes: dict[str, str]) -> bool:
    return isinstance(value, str) and value in codes


def check_rating(rating: dict[str, Any]) -> None:
    """Level and items on the kiosk's three levels, a bounded reason (docs/gateway-api.yaml)."""
    reason = rating.get("reason")
    items = rating.get("items", [])
    ok = (_one_of(rating.get("level"), LEVELS)
          and (reason is None or (isinstance(reason, str) and len(reason) <= MAX_REASON_LEN))
          and isinstance(items, list) and len(items) <= len(CRITERIA)
          and all(isinstance(i, dict) and _one_of(i.get("criterion"), CRITERIA)
                  and _one_of(i.get("level"), LEVELS) for i in items))
    if not ok:
        raise ApiError(422, "invalid_rating", f"rating.level and items[].level must be one of "
                       f"{', '.join(LEVELS)}; reason at most {MAX_REASON_LEN} characters")


class Gateway:
    def __init__(
        self,
        data_dir: Path,
        *,
        unit_code: str = "000.00.00.H56",
        token_ttl_s: float = 3600.0,
        catalogue: dict[str, Any] | None = None,
    ) -> None:
        self.data_dir = data_dir
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.db = SimDB(data_dir)
        self.portal_key = PortalKey.load_or_create(data_dir / "portal.key")
        self.receipt_key = DeviceKey.load_or_create(data_dir / "receipt.key")
        """Ed25519 key that signs every receipt (0600, beside the portal key)."""
        self.enrolment = Enrolment(self.db, self.now_iso)
        self.unit_code = unit_code
        self.token_ttl_s = token_ttl_s
        self.kiosk_channel = KIOSK_CHANNEL
        """KenhThucHien of kiosk dossiers in the national export (sync/portal_sim/national.py)."""
        self.clock_offset_s = 0.0
        cat_file = data_dir / "catalogue.json"
        if catalogue is not None:
            self.set_catalogue(catalogue)
        elif cat_file.exists():
            self._set_catalogue_mem(json.loads(cat_file.read_text(encoding="utf-8")))
        else:
            self.set_catalogue(default_catalogue())
        self._load_trust_store()

    def close(self) -> None:
        self.db.close()

    # --- time
    def now(self) -> dt.datetime:
        offset = dt.timedelta(seconds=self.clock_offset_s)
        return dt.datetime.now(VN_TZ).replace(microsecond=0) + offset

    def now_iso(self) -> str:
        return self.now().isoformat()

    # --- clients and tokens
    def ensure_client(self, kiosk_id: str, credentials_file: Path) -> dict[str, Any]:
        """Credentials for ``kiosk_id``: reuse the file if it exists, else create both."""
        client_id = f"kiosk-{kiosk_id}"
        creds: dict[str, Any]
        if credentials_file.exists():
            creds = json.loads(credentials_file.read_text(encoding="utf-8"))
        else:
            creds = {"client_id": client_id, "client_secret": secrets.token_urlsafe(32)}
            write_atomic(credentials_file, json.dumps(creds, indent=2), mode=0o600)
        with self.db.tx() as conn:
            conn.execute(
                "INSERT INTO clients(client_id, secret_sha256, kiosk_id) VALUES(?,?,?) "
                "ON CONFLICT(client_id) DO UPDATE SET secret_sha256 = excluded.secret_sha256",
                (creds["client_id"], _secret_hash(creds["client_secret"]), kiosk_id),
            )
        return creds

    def issue_token(self, client_id: str, client_secret: str) -> dict[str, Any]:
        with self.db.tx() as conn:
            row = conn.execute(
                "SELECT secret_sha256 FROM clients WHERE client_id = ?", (client_id,)
            ).fetchone()
            if row is None or not hmac.compare_digest(
                row["secret_sha256"], _secret_hash(client_secret)
            ):
                raise ApiError(401, "invalid_client", "unknown client or wrong secret")
            token = secrets.token_urlsafe(32)
            conn.execute(
                "INSERT INTO tokens(token_sha256, client_id, expires_at) VALUES(?,?,?)",
                (_secret_hash(token), client_id, time.time() + self.token_ttl_s),
            )
            conn.execute("DELETE FROM tokens WHERE expires_at < ?", (time.time() - 86400,))
            self.db.bump(conn, "tokens_issued")
        return {"access_token": token, "token_type": "Bearer",
                "expires_in": int(self.token_ttl_s)}

    def authenticate(self, authorization: str | None) -> str:
        """The kiosk id behind a bearer token, or ApiError 401."""
        if not authorization or not authorization.startswith("Bearer "):
            raise ApiError(401, "invalid_token", "missing bearer token")
        token = authorization[len("Bearer "):].strip()
        with self.db.locked() as conn:
            row = conn.execute(
                "SELECT t.expires_at, c.kiosk_id FROM tokens t JOIN clients c USING(client_id) "
                "WHERE t.token_sha256 = ?", (_secret_hash(token),)
            ).fetchone()
        if row is None:
            raise ApiError(401, "invalid_token", "unknown bearer token")
        if row["expires_at"] <= time.time():
            raise ApiError(401, "token_expired", "bearer token expired; request a new one")
        return str(row["kiosk_id"])

    def expire_token(self, authorization: str | None) -> None:
        """Fault injection: the token presented with this request stops working now."""
        if authorization and authorization.startswith("Bearer "):
            with self.db.tx() as conn:
                conn.execute("UPDATE tokens SET expires_at = ? WHERE token_sha256 = ?",
                             (time.time() - 1,
                              _secret_hash(authorization[len("Bearer "):].strip())))

    # --- health and catalogue
    def health(self) -> dict[str, Any]:
        return {"service": SERVICE_NAME, "implementation": "portal-sim", "api_version": 1,
                "status": "ok", "server_time": self.now_iso()}

    def _set_catalogue_mem(self, data: dict[str, Any]) -> None:
        self.catalogue = data
        self.catalogue_etag = '"' + sha256_hex(canonical_json(data))[:32] + '"'
        self._procedures = procedure_codes(data)

    def set_catalogue(self, data: object) -> None:
        if not isinstance(data, dict):
            raise ApiError(400, "bad_request", "catalogue must be a JSON object")
        (self.data_dir / "catalogue.json").write_text(dumps(data), encoding="utf-8")
        self._set_catalogue_mem(data)

    # --- trust store for the kiosks' chip readers (owner: chip; docs/identity.md)
    def _load_trust_store(self) -> None:
        path = self.data_dir / "truststore.json"
        files = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        self.trust_store_files: dict[str, str] = files
        self.trust_store_etag = '"' + sha256_hex(canonical_json(files))[:32] + '"'

    def set_trust_store(self, body: object) -> None:
        """``{"files": {name: base64}}``: CSCA certificates, master lists, CRLs (admin API)."""
        files = body.get("files") if isinstance(body, dict) else None
        if not isinstance(files, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
            raise ApiError(400, "bad_request", "trust store must be {\"files\": {name: base64}}")
        (self.data_dir / "truststore.json").write_text(dumps(files), encoding="utf-8")
        self._load_trust_store()

    def trust_store_document(self) -> dict[str, Any]:
        """The files and the receipt key's signature over ``canonical_json({"files": …})``: the
        kiosk installs only what this key signed (the same key as its receipts)."""
        signed = {"files": self.trust_store_files}
        return {**signed, "signature": self.receipt_key.sign(canonical_json(signed))}

    # --- dossiers
    def _answer(self, conn: sqlite3.Connection, dossier_id: str, *, replay: bool) -> dict[str, Any]:
        row = conn.execute("SELECT * FROM dossiers WHERE id = ?", (dossier_id,)).fetchone()
        missing = [
            r["sha256"] for r in conn.execute(
                "SELECT sha256 FROM files WHERE dossier_id = ? AND received_at IS NULL "
                "ORDER BY page, sha256", (dossier_id,))
        ]
        return {
            "dossier_id": dossier_id,
            "digest": row["digest"],
            "status": "complete" if row["completed_at"] else "incomplete",
            "missing": missing,
            "replay": replay,
            "receipt": self._receipt(conn, row) if row["completed_at"] else None,
        }

    def _receipt(self, conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
        files = [r["sha256"] for r in conn.execute(
            "SELECT sha256 FROM files WHERE dossier_id = ? ORDER BY page, sha256", (row["id"],))]
        received = dt.datetime.fromisoformat(row["completed_at"])
        receipt = {
            "dossier_id": row["id"],
            "digest": row["digest"],
            "files": files,
            "MaHoSo": row["portal_code"],
            "received_at": row["completed_at"],
            "NgayTiepNhan": stamp(received),
        }
        return {**receipt, "signature": self.receipt_key.sign(canonical_json(receipt))}

    def put_manifest(
        self, kiosk_id: str, dossier_id: str, body: bytes
    ) -> tuple[int, dict[str, Any]]:
        if not verify.UUID_RE.match(dossier_id):
            raise ApiError(400, "bad_request", "dossier id must be a lowercase UUID")
        envelope = parse_json(body)
        manifest, digest = verify.check_envelope(envelope, dossier_id, kiosk_id)
        with self.db.locked() as conn:
            held = conn.execute("SELECT digest, rejected, kiosk_id FROM dossiers WHERE id = ?",
                                (dossier_id,)).fetchone()
        if held is not None:
            return self._existing(kiosk_id, dossier_id, digest, held)
        files = verify.check_files(manifest)
        self.enrolment.check(kiosk_id, manifest["device_public_key"])
        self._check_codes(kiosk_id, dossier_id, manifest)
        if self._procedures and manifest["procedure_code"] not in self._procedures:
            raise ApiError(422, "unknown_procedure",
                           f"procedure {manifest['procedure_code']} is not in the catalogue")
        payload, _ = verify.open_payload(manifest, self.portal_key)
        with self.db.tx() as conn:
            held = conn.execute("SELECT digest, rejected, kiosk_id FROM dossiers WHERE id = ?",
                                (dossier_id,)).fetchone()
            if held is None:  # else a concurrent twin got there first
                self._check_code_free(conn, dossier_id, manifest["dossier_code"])
                conn.execute(
                    "INSERT INTO dossiers(id, kiosk_id, digest, dossier_code, procedure_code, "
                    "envelope, created_at, summary) VALUES(?,?,?,?,?,?,?,?)",
                    (dossier_id, kiosk_id, digest, manifest["dossier_code"],
                     manifest["procedure_code"], canonical_json(envelope).decode(),
                     self.now_iso(), dumps(verify.summary(manifest, payload))),
                )
                for f in files:
                    conn.execute(
                        "INSERT INTO files(dossier_id, sha256, size, component, page, "
                        "received_at) VALUES(?,?,?,?,?,?)",
                        (dossier_id, f["sha256"], f["size"], f["component"], f["page"],
                         self.now_iso() if self.db.has_file(f["sha256"]) else None),
                    )
                self.db.bump(conn, "manifests_accepted")
        if held is not None:
            return self._existing(kiosk_id, dossier_id, digest, held)
        self._maybe_complete(dossier_id)
        with self.db.locked() as conn:
            return 201, self._answer(conn, dossier_id, replay=False)

    def _existing(
        self, kiosk_id: str, dossier_id: str, digest: str, held: sqlite3.Row
    ) -> tuple[int, dict[str, Any]]:
        if held["kiosk_id"] != kiosk_id:  # about this record only: quarantine it, go on
            raise ApiError(422, "dossier_id_taken", "this dossier id is held by another kiosk")
        conflict = held["digest"] != digest
        with self.db.tx() as conn:
            self.db.bump(conn, "conflicts" if conflict else "replays")
        if conflict:
            raise ApiError(409, "conflict", "this dossier id is held with another digest",
                           held_digest=held["digest"])
        if held["rejected"]:
            code, _, message = held["rejected"].partition(":")
            raise ApiError(422, code, message)
        with self.db.locked() as conn:
            return 200, self._answer(conn, dossier_id, replay=True)

    def _check_codes(self, kiosk_id: str, dossier_id: str, manifest: dict[str, Any]) -> None:
        """The unit and dossier code must be the sending kiosk's, the code not used before."""
        if manifest["unit_code"] != self.unit_code:
            raise ApiError(422, "unit_code_mismatch",
                           "unit_code is not the unit this gateway receives for")
        code = parse_dossier_code(manifest["dossier_code"])
        # "K" + id: the kiosk segment of codes issued before issue 14 item 5, still in queues
        if code is None or code.kiosk_id not in (kiosk_id.upper(), f"K{kiosk_id.upper()}") \
                or code.unit_code != self.unit_code.upper():
            raise ApiError(422, "dossier_code_foreign",
                           "dossier_code is not a code of this kiosk and unit")
        with self.db.locked() as conn:
            self._check_code_free(conn, dossier_id, manifest["dossier_code"])

    @staticmethod
    def _check_code_free(conn: sqlite3.Connection, dossier_id: str, dossier_code: str) -> None:
        taken = conn.execute("SELECT 1 FROM dossiers WHERE dossier_code = ? AND id != ?",
                             (dossier_code, dossier_id)).fetchone()
        if taken is not None:
            raise ApiError(422, "dossier_code_taken",
                           "another dossier already holds this dossier_code")

    def _dossier_for(self, kiosk_id: str, dossier_id: str) -> sqlite3.Row:
        with self.db.locked() as conn:
            row: sqlite3.Row | None = conn.execute(
                "SELECT * FROM dossiers WHERE id = ? AND kiosk_id = ?", (dossier_id, kiosk_id)
            ).fetchone()
        if row is None:
            raise ApiError(404, "not_found", "no manifest for this dossier id; PUT it first")
        return row

    def _file_row(self, dossier_id: str, sha256: str) -> sqlite3.Row:
        with self.db.locked() as conn:
            row: sqlite3.Row | None = conn.execute(
                "SELECT * FROM files WHERE dossier_id = ? AND sha256 = ?", (dossier_id, sha256)
            ).fetchone()
        if row is None:
            raise ApiError(404, "file_not_in_manifest", "this sha256 is not in the manifest")
        return row

    def check_file_target(self, kiosk_id: str, dossier_id: str, sha256: str) -> int:
        """Validate a file PUT before its body is read; returns the expected size."""
        if not verify.UUID_RE.match(dossier_id) or not verify.SHA256_RE.match(sha256):
            raise ApiError(400, "bad_request", "dossier id must be a UUID, sha256 64 hex digits")
        self._dossier_for(kiosk_id, dossier_id)
        return int(self._file_row(dossier_id, sha256)["size"])

    def head_file(self, kiosk_id: str, dossier_id: str, sha256: str) -> bool:
        self.check_file_target(kiosk_id, dossier_id, sha256)
        return self._file_row(dossier_id, sha256)["received_at"] is not None

    def put_file(self, kiosk_id: str, dossier_id: str, sha256: str, data: bytes
                 ) -> tuple[int, dict[str, Any]]:
        size = self.check_file_target(kiosk_id, dossier_id, sha256)
        if len(data) != size:
            raise ApiError(422, "file_size_mismatch",
                           f"expected {size} bytes as the manifest says, got {len(data)}")
        if sha256_hex(data) != sha256:
            raise ApiError(422, "file_digest_mismatch", "body sha256 differs from the URL")
        row = self._dossier_for(kiosk_id, dossier_id)
        if row["rejected"]:
            code, _, message = row["rejected"].partition(":")
            raise ApiError(422, code, message)
        already = self._file_row(dossier_id, sha256)["received_at"] is not None
        self.db.write_file(sha256, data)
        with self.db.tx() as conn:
            conn.execute(
                "UPDATE files SET received_at = COALESCE(received_at, ?) "
                "WHERE sha256 = ? AND received_at IS NULL", (self.now_iso(), sha256))
            self.db.bump(conn, "files_replayed" if already else "files_stored")
        self._maybe_complete(dossier_id)
        with self.db.locked() as conn:
            answer = self._answer(conn, dossier_id, replay=already)
        answer["sha256"] = sha256
        return (200 if already else 201), answer

    def _maybe_complete(self, dossier_id: str) -> None:
        """When every file is present: verify each page, assign MaHoSo, record status 2."""
        with self.db.locked() as conn:
            row = conn.execute("SELECT * FROM dossiers WHERE id = ?", (dossier_id,)).fetchone()
            if row["completed_at"] or row["rejected"]:
                return
            missing = conn.execute(
                "SELECT COUNT(*) FROM files WHERE dossier_id = ? AND received_at IS NULL",
                (dossier_id,)).fetchone()[0]
            if missing:
                return
            manifest = json.loads(row["envelope"])["manifest"]
            try:
                payload, key = verify.open_payload(manifest, self.portal_key)
                verify.check_pages(payload, key, self.db.read_file)
            except ApiError as exc:
                with self.db.tx() as tx:
                    tx.execute("UPDATE dossiers SET rejected = ? WHERE id = ?",
                               (f"{exc.code}:{exc.message}", dossier_id))
                    self.db.bump(tx, "rejected")
                raise
            now = self.now()
            with self.db.tx() as tx:
                prefix = f"{self.unit_code}-{now:%y%m%d}"
                tx.execute(
                    "INSERT INTO daily_codes(prefix, last) VALUES(?, 1) "
                    "ON CONFLICT(prefix) DO UPDATE SET last = last + 1", (prefix,))
                n = tx.execute("SELECT last FROM daily_codes WHERE prefix = ?",
                               (prefix,)).fetchone()[0]
                tx.execute(
                    "UPDATE dossiers SET completed_at = ?, portal_code = ?, status = ?, "
                    "status_at = ? WHERE id = ?",
                    (now.isoformat(), f"{prefix}-{n:04d}", STATUS_RECEIVED, now.isoformat(),
                     dossier_id))
                tx.execute("INSERT INTO updates(kiosk_id, dossier_id, status, at) "
                           "VALUES(?,?,?,?)",
                           (row["kiosk_id"], dossier_id, STATUS_RECEIVED, now.isoformat()))
                self.db.bump(tx, "dossiers_complete")
            log.info("dossier %s complete", dossier_id[:8])

    # --- updates feed
    def updates(self, kiosk_id: str, path_kiosk: str, after: str | None, limit: str | None
                ) -> dict[str, Any]:
        if path_kiosk != kiosk_id:
            raise ApiError(403, "forbidden", "a kiosk may only read its own updates")
        try:
            after_n = int(after) if after not in (None, "") else 0
            limit_n = int(limit) if limit not in (None, "") else 100
        except ValueError:
            raise ApiError(400, "bad_request", "'after' and 'limit' must be integers") from None
        if not 0 <= after_n < 2**62 or not 1 <= limit_n <= 500:
            raise ApiError(400, "bad_request", "'after' must be ≥ 0 and 'limit' 1..500")
        with self.db.locked() as conn:
            rows = conn.execute(
                "SELECT u.seq, u.dossier_id, u.status, u.at, d.portal_code, d.dossier_code "
                "FROM updates u JOIN dossiers d ON d.id = u.dossier_id "
                "WHERE u.kiosk_id = ? AND u.seq > ? ORDER BY u.seq LIMIT ?",
                (kiosk_id, after_n, limit_n)).fetchall()
        updates = [
            {"cursor": str(r["seq"]), "dossier_id": r["dossier_id"],
             "dossier_code": r["dossier_code"], "MaHoSo": r["portal_code"],
             "TrangThaiHoSo": r["status"], "at": r["at"]}
            for r in rows
        ]
        return {"updates": updates, "cursor": updates[-1]["cursor"] if updates else str(after_n)}

    # --- ratings and heartbeat
    def put_rating(self, kiosk_id: str, rating_id: str, body: bytes) -> tuple[int, dict[str, Any]]:
        if not verify.UUID_RE.match(rating_id):
            raise ApiError(400, "bad_request", "rating id must be a lowercase UUID")
        rating = parse_json(body)
        if not isinstance(rating, dict) or not isinstance(rating.get("dossier_code"), str) \
                or not isinstance(rating.get("rating"), dict) \
                or rating.get("kiosk_id", kiosk_id) != kiosk_id:
            raise ApiError(422, "invalid_rating", "expected {'dossier_code': string, "
                           "'kiosk_id': this kiosk, 'rating': object}")
        check_rating(rating["rating"])
        with self.db.locked() as conn:
            own = conn.execute("SELECT 1 FROM dossiers WHERE dossier_code = ? AND kiosk_id = ?",
                               (rating["dossier_code"], kiosk_id)).fetchone()
        if own is None:
            raise ApiError(422, "unknown_dossier",
                           "no dossier of this kiosk holds this dossier_code")
        digest = sha256_hex(canonical_json(rating))
        with self.db.tx() as conn:
            held = conn.execute("SELECT digest FROM ratings WHERE id = ?",
                                (rating_id,)).fetchone()
            if held is None:
                conn.execute("INSERT INTO ratings(id, kiosk_id, digest, body, received_at) "
                             "VALUES(?,?,?,?,?)",
                             (rating_id, kiosk_id, digest, dumps(rating), self.now_iso()))
                self.db.bump(conn, "ratings")
                return 201, {"rating_id": rating_id, "replay": False}
        if held["digest"] != digest:
            raise ApiError(409, "conflict", "this rating id is held with another body",
                           held_digest=held["digest"])
        return 200, {"rating_id": rating_id, "replay": True}

    def heartbeat(self, kiosk_id: str, path_kiosk: str, body: bytes) -> dict[str, Any]:
        if path_kiosk != kiosk_id:
            raise ApiError(403, "forbidden", "a kiosk may only report its own heartbeat")
        beat = parse_json(body)
        if not isinstance(beat, dict) or not verify.is_int(beat.get("queue_depth")) \
                or beat["queue_depth"] < 0:
            raise ApiError(422, "invalid_heartbeat", "expected an object with queue_depth ≥ 0")
        for key, kinds in HEARTBEAT_FIELDS.items():
            value = beat.get(key)
            if key in beat and not (isinstance(value, kinds) and not isinstance(value, bool)):
                raise ApiError(422, "invalid_heartbeat", f"'{key}' has the wrong type")
        if isinstance(beat.get("counts"), dict) and not all(
                verify.is_int(v) for v in beat["counts"].values()):
            raise ApiError(422, "invalid_heartbeat", "'counts' values must be integers")
        if "paper" in beat and beat["paper"] not in ("ok", "low", "out", "unknown"):
            raise ApiError(422, "invalid_heartbeat", "'paper' must be ok, low, out or unknown")
        if isinstance(beat.get("devices"), dict) and not all(
                isinstance(d, dict) and isinstance(d.get("state", ""), str)
                and isinstance(d.get("code", ""), str) for d in beat["devices"].values()):
            raise ApiError(422, "invalid_heartbeat", "'devices' values must be {state, code}")
        if isinstance(beat.get("alerts"), list) and not all(
                isinstance(v, str) for v in beat["alerts"]):
            raise ApiError(422, "invalid_heartbeat", "'alerts' must be strings")
        with self.db.tx() as conn:
            conn.execute(
                "INSERT INTO heartbeats(kiosk_id, body, received_at) VALUES(?,?,?) "
                "ON CONFLICT(kiosk_id) DO UPDATE SET body = excluded.body, "
                "received_at = excluded.received_at, count = count + 1",
                (kiosk_id, dumps(beat), self.now_iso()))
        return {"kiosk_id": kiosk_id, "received_at": self.now_iso()}

    # --- admin
    def stats(self, faults: dict[str, int], bytes_received: int) -> dict[str, Any]:
        c = self.db.counters()
        with self.db.locked() as conn:
            complete = conn.execute(
                "SELECT COUNT(*) FROM dossiers WHERE completed_at IS NOT NULL").fetchone()[0]
            total = conn.execute("SELECT COUNT(*) FROM dossiers").fetchone()[0]
            files = conn.execute(
                "SELECT COUNT(*) FROM files WHERE received_at IS NOT NULL").fetchone()[0]
            beat = conn.execute("SELECT body, received_at, count FROM heartbeats").fetchall()
        return {
            "dossiers_complete": complete,
            "dossiers_total": total,
            "files_received": files,
            "replays": c.get("replays", 0),
            "files_replayed": c.get("files_replayed", 0),
            "conflicts": c.get("conflicts", 0),
            "rejected": c.get("rejected", 0),
            "tokens_issued": c.get("tokens_issued", 0),
            "ratings": c.get("ratings", 0),
            "bytes_received": bytes_received,
            "faults_injected": faults,
            "heartbeats": {
                "count": sum(r["count"] for r in beat),
                "last": json.loads(beat[-1]["body"]) if beat else None,
            },
        }

    def admin_dossiers(self) -> list[dict[str, Any]]:
        with self.db.locked() as conn:
            rows = conn.execute("SELECT * FROM dossiers ORDER BY rowid").fetchall()
            out = []
            for r in rows:
                files = conn.execute(
                    "SELECT sha256, page, component, received_at IS NOT NULL AS present "
                    "FROM files WHERE dossier_id = ? ORDER BY page", (r["id"],)).fetchall()
                out.append({
                    "dossier_id": r["id"], "kiosk_id": r["kiosk_id"], "digest": r["digest"],
                    "dossier_code": r["dossier_code"], "procedure_code": r["procedure_code"],
                    "MaHoSo": r["portal_code"], "TrangThaiHoSo": r["status"],
                    "complete": r["completed_at"] is not None, "received_at": r["completed_at"],
                    "rejected": r["rejected"], "summary": json.loads(r["summary"] or "{}"),
                    "files": [{"sha256": f["sha256"], "page": f["page"],
                               "component": f["component"], "present": bool(f["present"])}
                              for f in files],
                })
        return out

    def set_status(self, dossier_id: str, status: object) -> dict[str, Any]:
        if not verify.is_int(status) or not 1 <= status <= 10:
            raise ApiError(400, "bad_request", "status must be an integer 1–10 (TrangThaiHoSo)")
        now = self.now_iso()
        with self.db.tx() as conn:
            row = conn.execute("SELECT kiosk_id, completed_at FROM dossiers WHERE id = ?",
                               (dossier_id,)).fetchone()
            if row is None or row["completed_at"] is None:
                raise ApiError(404, "not_found", "no complete dossier with this id")
            conn.execute("UPDATE dossiers SET status = ?, status_at = ? WHERE id = ?",
                         (status, now, dossier_id))
            conn.execute("INSERT INTO updates(kiosk_id, dossier_id, status, at) VALUES(?,?,?,?)",
                         (row["kiosk_id"], dossier_id, status, now))
        return {"dossier_id": dossier_id, "TrangThaiHoSo": status, "at": now}
