"""Device enrolment at the gateway: no trust on first use (docs/gateway-api.yaml, Enrolment).

A kiosk's client secret alone does not make its manifests acceptable. The administrator issues a
one-time enrolment code for a kiosk (stored as its sha256, single use, with an expiry); the
technician puts it in the kiosk's ``kiosk.toml``; the kiosk presents it once with its device public
key. From then on the gateway accepts manifests from that key only.

- ``issue``: a code that enrols a kiosk which has no key yet.
- ``rotate``: a code whose use *replaces* the enrolled key (re-imaged kiosk, new card).
- ``revoke``: the enrolled key and every outstanding code of the kiosk stop working at once.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable

from appliance.crypto import CryptoError, unb64
from sync.portal_sim.db import SimDB
from sync.portal_sim.verify import ApiError

DEFAULT_CODE_TTL_S = 14 * 24 * 3600.0
"""A code waits for the technician's visit and the kiosk's first network contact."""
MAX_CODE_LEN = 128


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def check_public_key(value: object) -> str:
    """A base64 Ed25519 public key (32 bytes), or ApiError 422."""
    try:
        if isinstance(value, str) and len(value) <= 64 and len(unb64(value)) == 32:
            return value
    except CryptoError:
        pass
    raise ApiError(422, "invalid_enrolment", "device_public_key must be 32 bytes of base64")


class Enrolment:
    def __init__(self, db: SimDB, now_iso: Callable[[], str]) -> None:
        self.db = db
        self.now_iso = now_iso

    # --- admin side
    def issue(self, kiosk_id: str, *, rotate: bool = False,
              ttl_s: float = DEFAULT_CODE_TTL_S) -> dict:
        """A fresh one-time code for ``kiosk_id``; only its hash is kept."""
        if not 0 < ttl_s <= 366 * 24 * 3600:
            raise ApiError(400, "bad_request", "ttl_s must be > 0 and at most a year")
        self._client(kiosk_id)
        code = secrets.token_urlsafe(24)
        expires = time.time() + ttl_s
        with self.db.tx() as conn:
            conn.execute(
                "INSERT INTO enrolment_codes(code_sha256, kiosk_id, purpose, created_at, "
                "expires_at) VALUES(?,?,?,?,?)",
                (_sha256(code), kiosk_id, "rotate" if rotate else "enrol", self.now_iso(),
                 expires))
        return {"kiosk_id": kiosk_id, "enrolment_code": code,
                "purpose": "rotate" if rotate else "enrol", "expires_in": int(ttl_s)}

    def revoke(self, kiosk_id: str) -> dict:
        self._client(kiosk_id)
        with self.db.tx() as conn:
            dropped = conn.execute("DELETE FROM devices WHERE kiosk_id = ?", (kiosk_id,)).rowcount
            conn.execute("DELETE FROM enrolment_codes WHERE kiosk_id = ? AND used_at IS NULL",
                         (kiosk_id,))
        return {"kiosk_id": kiosk_id, "revoked": bool(dropped)}

    def kiosks(self) -> list[dict]:
        with self.db.locked() as conn:
            rows = conn.execute(
                "SELECT c.kiosk_id, c.client_id, d.device_key, d.enrolled_at FROM clients c "
                "LEFT JOIN devices d USING(kiosk_id) ORDER BY c.kiosk_id").fetchall()
        return [dict(r) for r in rows]

    def _client(self, kiosk_id: str) -> None:
        with self.db.locked() as conn:
            if conn.execute("SELECT 1 FROM clients WHERE kiosk_id = ?", (kiosk_id,)).fetchone() \
                    is None:
                raise ApiError(404, "not_found", "no client is provisioned for this kiosk")

    # --- kiosk side
    def enrol(self, kiosk_id: str, body: object) -> tuple[int, dict]:
        """``POST /api/v1/kiosks/{kiosk}/enrolment``: 201 enrolled, 200 this key already was."""
        if not isinstance(body, dict) or not isinstance(body.get("enrolment_code"), str) \
                or not 0 < len(body["enrolment_code"]) <= MAX_CODE_LEN:
            raise ApiError(422, "invalid_enrolment",
                           "expected {'device_public_key': base64, 'enrolment_code': string}")
        key = check_public_key(body.get("device_public_key"))
        with self.db.tx() as conn:
            held = conn.execute("SELECT device_key, enrolled_at FROM devices WHERE kiosk_id = ?",
                                (kiosk_id,)).fetchone()
            if held is not None and held["device_key"] == key:
                return 200, self._answer(kiosk_id, key, held["enrolled_at"], replay=True)
            code = conn.execute(
                "SELECT purpose FROM enrolment_codes WHERE code_sha256 = ? AND kiosk_id = ? "
                "AND used_at IS NULL AND expires_at > ?",
                (_sha256(body["enrolment_code"]), kiosk_id, time.time())).fetchone()
            if code is None:
                raise ApiError(403, "invalid_enrolment_code",
                               "unknown, used or expired enrolment code; ask the administrator")
            if held is not None and code["purpose"] != "rotate":
                raise ApiError(409, "already_enrolled",
                               "another key is enrolled for this kiosk; a rotation code is needed")
            now = self.now_iso()
            conn.execute("UPDATE enrolment_codes SET used_at = ? WHERE code_sha256 = ?",
                         (now, _sha256(body["enrolment_code"])))
            conn.execute("INSERT INTO devices(kiosk_id, device_key, enrolled_at) VALUES(?,?,?) "
                         "ON CONFLICT(kiosk_id) DO UPDATE SET device_key = excluded.device_key, "
                         "enrolled_at = excluded.enrolled_at", (kiosk_id, key, now))
        return 201, self._answer(kiosk_id, key, now, replay=False)

    def check(self, kiosk_id: str, device_key: str) -> None:
        """ApiError 403 ``device_not_enrolled`` unless ``device_key`` is the enrolled key."""
        with self.db.locked() as conn:
            row = conn.execute("SELECT device_key FROM devices WHERE kiosk_id = ?",
                               (kiosk_id,)).fetchone()
        if row is None or row["device_key"] != device_key:
            raise ApiError(403, "device_not_enrolled",
                           "the manifest is signed by a device key that is not enrolled")

    @staticmethod
    def _answer(kiosk_id: str, key: str, at: str, *, replay: bool) -> dict:
        return {"kiosk_id": kiosk_id, "device_public_key": key, "enrolled_at": at,
                "replay": replay}
