"""``kiosk status [--json]``: the queue, sync and health facts staff and scripts look at."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from appliance import __version__, exitcodes
from appliance.app import runtime, staff
from appliance.config import KioskConfig
from appliance.store import Store, SubmissionRefused
from appliance.update.machine import UpdateState
from appliance.update.slots import slot_from_cmdline

CMDLINE = Path("/proc/cmdline")

HELP = "queue by state, oldest pending, last successful sync, disk, clock trust, database health"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def collect(config: KioskConfig) -> dict[str, Any]:
    """The status document (keys documented in docs/cli.md)."""
    store = runtime.open_store(config)
    try:
        doc: dict[str, Any] = {
            "kiosk_id": config.kiosk.id,
            "data_dir": str(config.data_dir),
            "database": _database(store),
            "disk": {"free_bytes": store.free_bytes(), "reserve_bytes": store.reserve_bytes},
            "clock": _clock(store),
            **_accepting(config, store),
        }
        if not store.available:
            doc.update(queue=None, pending=None, oldest_pending_age_s=None, sync=None,
                       alerts=[], devices=None, update=_update(None))
            return doc
        sync = store.sync_state()
        doc.update(
            site=staff.current_site(config, store),
            devices=store.device_status() or None,
            queue=store.counts_by_state(),
            pending=store.pending_count(),
            oldest_pending_age_s=store.oldest_pending_age_s(),
            sync={k: sync.get(k) for k in SYNC_KEYS},
            update=_update(sync.get("update")),
            alerts=[{"code": a.code, "reason_en": a.reason_en, "reason_vi": a.reason_vi,
                     "raised_at": a.raised_at.isoformat()} for a in store.alerts()],
        )
        return doc
    finally:
        store.close()


SYNC_KEYS = ("last_success", "last_attempt", "last_error", "next_attempt")


def _update(saved: object) -> dict[str, Any]:
    """The field update as the sync daemon left it (issue 16), with this system's version/slot."""
    state = UpdateState.from_json(saved) if isinstance(saved, str) else UpdateState(
        running=__version__)
    try:
        slot = slot_from_cmdline(CMDLINE.read_text(encoding="utf-8")) or "none"
    except OSError:
        slot = "none"
    return state.report(__version__, slot)


def _database(store: Store) -> dict[str, Any]:
    health = store.health()
    return {"ok": health.ok, "code": health.code, "reason_en": health.reason_en,
            "reason_vi": health.reason_vi, "orphans": len(health.orphans),
            "missing": len(health.missing)}


def _clock(store: Store) -> dict[str, Any]:
    clock = store.clock.status(store if store.available else None)
    return {"trusted": clock.trusted, "source": clock.source, "reason_en": clock.reason_en}


def _accepting(config: KioskConfig, store: Store) -> dict[str, Any]:
    """The same answer the UI and ``kiosk seed`` act on (app.runtime.check_accepting)."""
    try:
        runtime.check_accepting(config, store)
    except SubmissionRefused as refused:
        return {"accepting_submissions": False,
                "refusal": {"code": refused.code, "reason_en": refused.reason_en}}
    return {"accepting_submissions": True, "refusal": None}


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    hours, rest = divmod(int(seconds), 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


def render(doc: dict[str, Any]) -> str:
    db = doc["database"]
    refusal = doc["refusal"]
    lines = [
        f"kiosk {doc['kiosk_id']}  data {doc['data_dir']}",
        f"database      {'ok' if db['ok'] else 'UNAVAILABLE'} ({db['code']}): {db['reason_en']}",
        f"accepting     {'NO: ' + refusal['reason_en'] if refusal else 'yes'}",
        f"disk free     {doc['disk']['free_bytes'] // 2**20} MiB "
        f"(reserve {doc['disk']['reserve_bytes'] // 2**20} MiB)",
        f"clock         {'trusted' if doc['clock']['trusted'] else 'NOT trusted'} "
        f"({doc['clock']['source']}: {doc['clock']['reason_en']})",
        _update_line(doc["update"]),
    ]
    if doc["queue"] is not None:
        queue = ", ".join(f"{k} {v}" for k, v in doc["queue"].items())
        sync = doc["sync"]
        lines += [
            f"queue         {queue}",
            f"oldest pending {_age(doc['oldest_pending_age_s'])}",
            f"last sync ok  {sync['last_success'] or 'never'}",
            f"last error    {sync['last_error'] or '-'}",
            f"next attempt  {sync['next_attempt'] or '-'}",
        ]
        devices = doc["devices"]
        if devices:
            states = ", ".join(f"{k} {v['state']}" for k, v in devices["devices"].items())
            lines.append(f"devices       {states} (reported {devices['at']})")
        else:
            lines.append("devices       not reported yet (run kiosk doctor)")
        lines += [f"ALERT {a['code']}: {a['reason_en']}" for a in doc["alerts"]]
    return "\n".join(lines)


def _update_line(update: dict[str, Any]) -> str:
    line = f"version       {update['version']} (slot {update['slot']}), update {update['state']}"
    if update["offered"]:
        line += f" {update['offered']} ({update['received']}/{update['size']} bytes)"
    if update["reason"]:
        line += f", last failure {update['reason']}"
    return line


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    doc = collect(config)
    print(json.dumps(doc, ensure_ascii=False, indent=2) if args.json else render(doc))
    return exitcodes.OK if doc["database"]["ok"] else exitcodes.STORE_UNAVAILABLE
