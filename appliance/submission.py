"""Finalizing a citizen's draft into a queued, sealed, signed dossier (DESIGN §5, §6).

``finalize`` is the one door from the UI's memory into the store. In order: refuse early if the
store cannot take it; encrypt every page under a fresh key; write the page blobs durably; then in
one write transaction take the day's code number, seal the payload (which carries that code),
sign the manifest and insert the rows. A SIGKILL anywhere leaves either the whole dossier queued
or no row at all (plus orphan blobs that start-up reconciliation reports). The per-dossier key is
forgotten at the end: the kiosk cannot read the dossier back.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from appliance.crypto import DossierSealer, b64, canonical_json, sha256_hex
from appliance.domain.codes import format_dossier_code
from appliance.domain.dossier import Draft
from appliance.store.store import FileRecord, NewDossier, Store

PORTAL_TIME = "%Y%m%d%H%M%S"
MANIFEST_FORMAT = 1


@dataclass(frozen=True)
class ProcedureInfo:
    """What finalize needs to know about a procedure (from the catalogue)."""

    code: str
    name: str
    component_names: dict[str, str]


@dataclass(frozen=True)
class FinalizeContext:
    """Per-process facts finalize needs; built once from the configuration."""

    kiosk_id: str
    unit_code: str
    unit_name: str
    portal_public_key_b64: str
    device_key_public_b64: str
    sign: Callable[[bytes], str]
    """``DeviceKey.sign``: bytes → base64 signature."""
    procedure: Callable[[str], ProcedureInfo | None]
    """Look a procedure up in the current catalogue."""
    due_date: Callable[[str, dt.datetime], dt.datetime | None]
    """Return date for a procedure and a receipt time (None: no statutory date)."""


@dataclass(frozen=True)
class FinalizeResult:
    id: str
    code: str
    seq: int
    received_at: dt.datetime
    due_at: dt.datetime | None
    clock_trusted: bool
    procedure: ProcedureInfo


class UnknownProcedure(ValueError):
    pass


def _payload(
    draft: Draft,
    procedure: ProcedureInfo,
    code: str,
    unit_name: str,
    received: dt.datetime,
    due: dt.datetime | None,
    pages: list[dict[str, Any]],
) -> dict[str, Any]:
    """The sealed payload, with the national portal's field names (reference §3)."""
    return {
        "MaHoSo": code,
        "MaTTHC": procedure.code,
        "TenTTHC": procedure.name,
        "KenhThucHien": 1,
        **draft.identity.to_payload(),
        "SoDienThoai": draft.phone,
        "Email": draft.email,
        "NgayNopHoSo": received.strftime(PORTAL_TIME),
        "NgayTiepNhan": received.strftime(PORTAL_TIME),
        "NgayHenTra": due.strftime(PORTAL_TIME) if due else None,
        "TrichYeuHoSo": f"{procedure.name} — {draft.identity.full_name}"[:1000],
        "NoiNopHoSo": unit_name,
        "HoSoCoThanhPhanSoHoa": "1" if pages else "0",
        "TaiKhoanDuocXacThucVoiVNeID": "0",
        "DuLieuBieuMau": dict(draft.form),
        "TaiLieuNop": pages,
        "HoSoThayThe": draft.replaces,
    }


def finalize(
    store: Store, draft: Draft, ctx: FinalizeContext, *, dossier_id: str | None = None
) -> FinalizeResult:
    """Freeze, seal, write and queue ``draft``; raises SubmissionRefused before writing anything."""
    procedure: ProcedureInfo | None = ctx.procedure(draft.procedure_code)
    if procedure is None:
        raise UnknownProcedure(f"procedure {draft.procedure_code!r} is not in the catalogue")
    page_bytes = sum(len(p.data) for pages in draft.pages.values() for p in pages)
    store.check_can_accept(expected_bytes=page_bytes * 2)
    dossier_id = dossier_id or str(uuid.uuid4())
    sealer = DossierSealer(ctx.portal_public_key_b64)
    try:
        received = store.clock.wall()
        mono = store.clock.monotonic()
        trusted = store.clock.trusted(store)
        due = ctx.due_date(procedure.code, received) if trusted else None
        sealed_pages: list[tuple[bytes, FileRecord, dict[str, Any]]] = []
        for component, pages in draft.pages.items():
            for number, page in enumerate(pages, start=1):
                ciphertext = sealer.seal(page.data)
                sha = sha256_hex(ciphertext)
                record = FileRecord(sha, len(ciphertext), component, number, page.media_type, False)
                listing = {
                    "TepDinhKemId": sha,
                    "TenTepDinhKem": f"{component}-{number}",
                    "MaThanhPhanHoSo": component,
                    "TenThanhPhanHoSo": procedure.component_names.get(component, component),
                    "DuocSoHoa": "1",
                    "Trang": number,
                    "MaHoaSHA256": sha256_hex(page.data),
                }
                sealed_pages.append((ciphertext, record, listing))
        with store.finalize_lock():
            for ciphertext, record, _ in sealed_pages:
                store.blobs.write(ciphertext, record.sha256)
            with store.finalize_transaction():
                number = store.next_code_sequence(received.date())
                code = format_dossier_code(ctx.unit_code, ctx.kiosk_id, received.date(), number)
                payload = _payload(
                    draft,
                    procedure,
                    code,
                    ctx.unit_name,
                    received,
                    due,
                    [listing for _, _, listing in sealed_pages],
                )
                payload_ct = sealer.seal(canonical_json(payload))
                manifest = {
                    "format": MANIFEST_FORMAT,
                    "dossier_id": dossier_id,
                    "dossier_code": code,
                    "kiosk_id": ctx.kiosk_id,
                    "unit_code": ctx.unit_code,
                    "procedure_code": procedure.code,
                    "finalized_at": received.strftime(PORTAL_TIME),
                    "finalized_at_iso": received.isoformat(timespec="seconds"),
                    "clock_trusted": trusted,
                    "due_at": due.strftime(PORTAL_TIME) if due else None,
                    "replaces": draft.replaces,
                    "device_public_key": ctx.device_key_public_b64,
                    "sealed_key": b64(sealer.sealed_key),
                    "payload": {
                        "sha256": sha256_hex(payload_ct),
                        "size": len(payload_ct),
                        "ciphertext": b64(payload_ct),
                    },
                    "files": [
                        {
                            "sha256": r.sha256,
                            "size": r.size,
                            "component": r.component,
                            "page": r.page,
                            "media_type": r.media_type,
                        }
                        for _, r, _ in sealed_pages
                    ],
                }
                signed = canonical_json(manifest)
                digest = sha256_hex(signed)
                envelope = canonical_json(
                    {"manifest": manifest, "signature": ctx.sign(signed), "digest": digest}
                )
                slip_public = {
                    "code": code,
                    "procedure_code": procedure.code,
                    "procedure_name": procedure.name,
                    "pages": {c: len(p) for c, p in draft.pages.items() if p},
                    "received_at": received.isoformat(timespec="seconds"),
                    "due_at": due.isoformat(timespec="seconds") if due else None,
                    "clock_trusted": trusted,
                }
                seq = store.insert_finalized(
                    NewDossier(
                        id=dossier_id,
                        procedure_code=procedure.code,
                        finalized_at=received,
                        finalized_mono=mono,
                        clock_trusted=trusted,
                        due_at=due,
                        digest=digest,
                        envelope=envelope,
                        files=[r for _, r, _ in sealed_pages],
                        replaces=draft.replaces,
                        slip_public=slip_public,
                        code=code,
                    )
                )
    finally:
        sealer.forget()
    store.request_sync()
    return FinalizeResult(dossier_id, code, seq, received, due, trusted, procedure)
