"""Building a process's long-lived objects from the configuration, the same way everywhere.

The UI, the sync daemon and the commands each call these once at start-up, so where the device
key lives, how the store is opened and which catalogue is current are decided in one place.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from appliance.clock import VN_TZ, Clock
from appliance.config import KioskConfig, KioskSection
from appliance.crypto import DeviceKey
from appliance.domain.calendar import WorkingCalendar, due_date
from appliance.domain.catalogue import (
    Catalogue,
    CatalogueError,
    Procedure,
    default_catalogue,
    load_catalogue,
)
from appliance.domain.dossier import Draft
from appliance.store import Store, SubmissionRefused
from appliance.submission import FinalizeContext, ProcedureInfo

log = logging.getLogger(__name__)


def device_key_path(config: KioskConfig) -> Path:
    return config.data_dir / "secrets" / "device.key"


def clock(config: KioskConfig) -> Clock:
    return Clock(config.kiosk.clock)


def open_store(config: KioskConfig, clock_: Clock | None = None) -> Store:
    return Store.open(
        config.data_dir, reserve_mb=config.storage.reserve_mb, clock=clock_ or clock(config)
    )


def device_key(config: KioskConfig) -> DeviceKey:
    return DeviceKey.load_or_create(device_key_path(config))


def current_catalogue(store: Store) -> Catalogue:
    """The newest catalogue the gateway sent (kept in the store), else the shipped one.

    A stored catalogue that no longer loads (say, written by a newer kiosk version) is reported
    and the shipped one is used: the kiosk keeps working.
    """
    saved = store.load_catalogue() if store.available else None
    if saved is not None:
        try:
            return load_catalogue(saved[0])
        except CatalogueError as exc:
            log.warning("stored catalogue rejected, using the shipped one: %s", exc)
    return default_catalogue()


def check_configured(config: KioskConfig) -> None:
    """Raise SubmissionRefused when this configuration cannot take a dossier at all."""
    if not config.gateway.portal_public_key:
        raise SubmissionRefused(
            "not_configured",
            "Máy chưa được cấu hình để nhận hồ sơ. Vui lòng báo cán bộ.",
            "gateway.portal_public_key is empty: dossiers cannot be sealed"
            " (see docs/technician.md)",
        )


def check_accepting(config: KioskConfig, store: Store) -> None:
    """The one answer to "does this kiosk accept submissions now?": raises SubmissionRefused with
    the reason, or returns. ``kiosk status`` reports it; ``finalize_context`` (seed, the UI)
    and the store's own check before each dossier apply the same two parts. The store's state
    (corrupt, disk reserve, transport mode) is reported first when both apply."""
    store.check_can_accept()
    check_configured(config)


def kiosk_section(config: KioskConfig, catalogue: Catalogue) -> KioskSection:
    """``[kiosk]`` with the receiving unit the gateway's catalogue states (code, name, parent
    body, place): the gateway's data wins over kiosk.toml, which is the fallback."""
    unit = dict(catalogue.unit)
    kiosk = config.kiosk
    return dataclasses.replace(
        kiosk, unit_code=unit.get("unit_code", kiosk.unit_code),
        unit_name=unit.get("unit_name", kiosk.unit_name),
        parent_body=unit.get("parent_body", kiosk.parent_body),
        place=unit.get("place", kiosk.place))


def national_fields(catalogue: Catalogue, procedure: Procedure, draft: Draft) -> dict[str, Any]:
    """The payload fields the answers and the card decide: the fee list and how the result is
    received (``Procedure.payload_fields``), and ``DiaChiHienNay``, the card's address with
    today's commune and province (``DiaChiThuongTru`` stays as the card reads)."""
    mapped = catalogue.address_map.map(draft.identity.address or "")
    return {**procedure.payload_fields(draft.form), "DiaChiHienNay": mapped.text or None,
            "MaXaHienNay": mapped.change.code or None if mapped.change else None}


def finalize_context(
    config: KioskConfig, store: Store, catalogue: Catalogue | None = None
) -> FinalizeContext:
    """Everything ``finalize`` needs for this kiosk, from its configuration and catalogue."""
    check_configured(config)
    catalogue = catalogue or current_catalogue(store)
    calendar = WorkingCalendar.from_config(config.calendar, catalogue.calendar_overrides)
    key = device_key(config)

    def procedure(code: str) -> ProcedureInfo | None:
        found = catalogue.get(code)
        if found is None:
            return None
        return ProcedureInfo(found.code, found.name, {c.code: c.name for c in found.components},
                             lambda draft: national_fields(catalogue, found, draft),
                             lambda draft: found.public_facts(draft.form))

    def due(code: str, received: dt.datetime, answers: Mapping[str, str]) -> dt.datetime | None:
        found = catalogue.get(code)
        when = due_date(found.for_answers(answers), received, calendar).when if found else None
        return when.replace(tzinfo=VN_TZ) if when is not None and when.tzinfo is None else when

    kiosk = kiosk_section(config, catalogue)
    return FinalizeContext(
        kiosk_id=config.kiosk.id,
        unit_code=kiosk.unit_code,
        unit_name=kiosk.unit_name,
        portal_public_key_b64=config.gateway.portal_public_key,
        device_key_public_b64=key.public_key_b64,
        sign=key.sign,
        procedure=procedure,
        due_date=due,
        site=config.kiosk.site,
    )
