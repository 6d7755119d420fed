"""The kiosk's side of device enrolment (docs/gateway-api.yaml, ``enrolDevice``; docs/sync.md).

The gateway accepts manifests only from an enrolled device key. On first contact the daemon sends
the device public key with the one-time enrolment code the technician gave it, then forgets the
code: it is removed from the 0600 credentials file (where ``kiosk provision`` put it), and the
enrolled key is remembered in the store's sync state so a code left in a development
``kiosk.toml`` is not presented again. Enrolling is offline-tolerant: until the gateway answers,
dossiers simply stay queued.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from appliance.crypto import DeviceKey
from appliance.durable import write_atomic
from appliance.store import Store
from kioskbase.files import FileRefused
from sync.client import JSON, GatewayClient, read_credentials_json
from sync.errors import AuthError, SyncError

log = logging.getLogger("sync")
CODE_KEY = "enrolment_code"
"""Key of the one-time code in the credentials JSON (moved there by ``kiosk provision``)."""
STATE_KEY = "enrolled_device_key"
REFUSALS = ("invalid_enrolment", "already_enrolled")
"""Answers that no retry can change: a person must issue a new (rotation) code."""


@dataclass(frozen=True)
class Enroller:
    credentials_file: Path
    device_key_path: Path
    configured_code: str = ""
    """``[gateway] enrolment_code`` of kiosk.toml (development setups; blank on a device)."""

    def public_key(self) -> str:
        return DeviceKey.load_or_create(self.device_key_path).public_key_b64

    def stored_code(self) -> str:
        try:
            data = read_credentials_json(self.credentials_file)
        except (FileRefused, ValueError):
            return ""
        code = data.get(CODE_KEY) if isinstance(data, dict) else None
        return code if isinstance(code, str) else ""

    def run(self, client: GatewayClient, store: Store) -> None:
        """Enrol this device key unless the store says it already is; AuthError if refused."""
        key = self.public_key()
        if store.sync_state().get(STATE_KEY) == key:
            self.drop_code()  # e.g. a used code that came back with a re-provisioning
            return
        code = self.stored_code() or self.configured_code
        if not code:
            return  # enrolled before (or never given a code): the manifest's answer will tell
        body = json.dumps({"device_public_key": key, CODE_KEY: code}).encode()
        try:
            response, _ = client.call("POST", f"/api/v1/kiosks/{client.kiosk_id}/enrolment",
                                      data=body, headers={"Content-Type": JSON}, ok=(200, 201))
        except SyncError as err:
            if err.code in REFUSALS:
                raise AuthError(f"enrolment refused: {err}", code=err.code) from None
            raise
        store.update_sync_state(**{STATE_KEY: key})
        self.drop_code()
        log.info("device key enrolled at the gateway (%s)",
                 "new" if response.status_code == 201 else "already enrolled")

    def drop_code(self) -> None:
        """Remove the used code from the credentials file (atomic, stays 0600)."""
        try:
            data = read_credentials_json(self.credentials_file)
        except (FileRefused, ValueError):
            return
        if isinstance(data, dict) and CODE_KEY in data:
            del data[CODE_KEY]
            write_atomic(self.credentials_file, json.dumps(data, indent=2) + "\n", mode=0o600)
