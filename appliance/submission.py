"""Finalizing a citizen's draft into a queued, sealed, signed dossier (DESIGN §5, §6).

``finalize`` is the one door from the UI's memory into the store. In order: refuse early if the
store cannot take it; encrypt every page under a fresh key; write the page blobs durably; then in
one write transaction take the day's code number and the year's register number, seal the
payload (which carries that code), sign the manifest and insert the rows. The payload and
manifest themselves are built in ``appliance.manifest``. A SIGKILL anywhere leaves either the
whole dossier queued or no row at all (plus orphan blobs that start-up reconciliation reports).
The per-dossier key is forgotten at the end: the kiosk cannot read the dossier back.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from appliance import manifest as mf
from appliance.crypto import DossierSealer, canonical_json, sha256_hex
from appliance.domain.codes import format_dossier_code
from appliance.domain.dossier import Draft
from appliance.store.store import FileRecord, NewDossier, Store


def _no_fields(_draft: Draft) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class ProcedureInfo:
    """What finalize needs to know about a procedure (from the catalogue)."""

    code: str
    name: str
    component_names: dict[str, str]
    payload_fields: Callable[[Draft], dict[str, Any]] = _no_fields
    """Fields the citizen's answers decide (``Procedure.payload_fields``: fee list, how the
    result is received; the address with today's names), merged into the sealed payload."""
    public_facts: Callable[[Draft], dict[str, Any]] = _no_fields
    """What a reprint needs from the answers, nothing personal (``Procedure.public_facts``)."""


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
    due_date: Callable[[str, dt.datetime, Mapping[str, str]], dt.datetime | None]
    """Return date for a procedure, a receipt time and the citizen's answers (which may select
    another time limit, e.g. "bổ sung" is same-day); None: no statutory date."""
    site: str = ""
    """The configured site; the store's ``site`` setting (staff's choice) wins over it."""


@dataclass(frozen=True)
class FinalizeResult:
    id: str
    code: str
    seq: int
    received_at: dt.datetime
    due_at: dt.datetime | None
    clock_trusted: bool
    procedure: ProcedureInfo
    site: str = ""
    """Where the citizen handed the dossier in (kept with it, so a reprint says the same)."""
    pages: dict[str, int] = field(default_factory=dict)
    """Pages scanned per component, as the slip counts them."""
    register_no: int | None = None
    """Per-year register number: the slip's "Số: …/TNHS" and register line."""
    form_public: dict[str, Any] = field(default_factory=dict)
    """``ProcedureInfo.public_facts`` of the answers: kept for reprints."""


@dataclass(frozen=True)
class _SealedPage:
    ciphertext: bytes
    entry: mf.FileEntry
    listing: dict[str, Any]


class UnknownProcedure(ValueError):
    pass


def _seal_pages(sealer: DossierSealer, draft: Draft, procedure: ProcedureInfo
                ) -> list[_SealedPage]:
    """Every page encrypted under the dossier's key, with its manifest and payload entries."""
    sealed = []
    for component, pages in draft.pages.items():
        name = procedure.component_names.get(component, component)
        for number, page in enumerate(pages, start=1):
            ciphertext = sealer.seal(page.data)
            entry = mf.FileEntry(
                sha256_hex(ciphertext), len(ciphertext), component, number, page.media_type)
            listing = mf.page_listing(entry, name, sha256_hex(page.data))
            sealed.append(_SealedPage(ciphertext, entry, listing))
    return sealed


def _slip_public(result: FinalizeResult) -> dict[str, Any]:
    """The clear facts a reprint needs (no personal data: the kiosk cannot read those back)."""
    due = result.due_at
    return {
        "code": result.code,
        "procedure_code": result.procedure.code,
        "procedure_name": result.procedure.name,
        "pages": result.pages,
        "site": result.site,
        "received_at": result.received_at.isoformat(timespec="seconds"),
        "due_at": due.isoformat(timespec="seconds") if due else None,
        "clock_trusted": result.clock_trusted,
        "register_no": result.register_no,
        "form_public": result.form_public,
    }


def finalize(
    store: Store,
    draft: Draft,
    ctx: FinalizeContext,
    *,
    dossier_id: str | None = None,
    page_counts: Mapping[str, int] | None = None,
) -> FinalizeResult:
    """Freeze, seal, write and queue ``draft``; raises SubmissionRefused before writing anything.

    ``page_counts``: pages scanned per component when the draft's pages were merged (one PDF per
    component); by default, the draft's own page counts."""
    procedure: ProcedureInfo | None = ctx.procedure(draft.procedure_code)
    if procedure is None:
        raise UnknownProcedure(f"procedure {draft.procedure_code!r} is not in the catalogue")
    page_bytes = sum(len(p.data) for pages in draft.pages.values() for p in pages)
    store.check_can_accept(expected_bytes=page_bytes * 2)
    dossier_id = dossier_id or str(uuid.uuid4())
    counts = dict(page_counts) if page_counts is not None else {
        c: len(p) for c, p in draft.pages.items()}
    site = str(store.get_setting("site", ctx.site) or ctx.site)
    sealer = DossierSealer(ctx.portal_public_key_b64)
    try:
        received, mono = store.clock.wall(), store.clock.monotonic()
        trusted = store.clock.trusted(store)
        due = ctx.due_date(procedure.code, received, draft.form) if trusted else None
        sealed = _seal_pages(sealer, draft, procedure)
        with store.finalize_lock():
            for page in sealed:  # 1. page blobs durable before any row names them
                store.blobs.write(page.ciphertext, page.entry.sha256)
            with store.finalize_transaction():  # 2. code, seal, sign and rows: all or nothing
                number = store.next_code_sequence(received.date())
                register_no = store.next_register_number(received.date().year)
                code = format_dossier_code(ctx.unit_code, ctx.kiosk_id, received.date(), number)
                payload = {**mf.build_payload(
                    draft, code=code, procedure_code=procedure.code,
                    procedure_name=procedure.name, unit_name=ctx.unit_name, received=received,
                    due=due, pages=[p.listing for p in sealed]),
                    **procedure.payload_fields(draft)}
                payload_ct = sealer.seal(canonical_json(payload))
                facts = mf.ManifestFacts(
                    dossier_id, code, ctx.kiosk_id, ctx.unit_code, procedure.code, received,
                    trusted, due, draft.replaces, ctx.device_key_public_b64,
                    identity_assurance=str(draft.identity.assurance_level))
                envelope, digest = mf.sign_envelope(
                    mf.build_manifest(facts, sealer.sealed_key, payload_ct,
                                      [p.entry for p in sealed]), ctx.sign)
                result = FinalizeResult(dossier_id, code, 0, received, due, trusted, procedure,
                                        site, {c: n for c, n in counts.items() if n},
                                        register_no, procedure.public_facts(draft))
                seq = store.insert_finalized(NewDossier(
                    id=dossier_id, procedure_code=procedure.code, finalized_at=received,
                    finalized_mono=mono, clock_trusted=trusted, due_at=due, digest=digest,
                    envelope=envelope, files=[_record(p.entry) for p in sealed],
                    replaces=draft.replaces, slip_public=_slip_public(result), code=code,
                    register_no=register_no))
    finally:
        sealer.forget()  # 3. the kiosk can no longer read the dossier back
    store.request_sync()
    return replace(result, seq=seq)


def _record(entry: mf.FileEntry) -> FileRecord:
    return FileRecord(entry.sha256, entry.size, entry.component, entry.page, entry.media_type,
                      False)
