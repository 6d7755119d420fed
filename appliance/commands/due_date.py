"""``kiosk due-date``: the return date the kiosk would print, and how it was reached."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from appliance import exitcodes

HELP = "the return date the kiosk would print for a procedure and a receipt time"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--procedure", required=True, metavar="CODE", help="procedure code (MaTTHC), e.g. 1.004873"
    )
    parser.add_argument(
        "--received",
        metavar="'YYYY-MM-DD HH:MM'",
        help="receipt time, local Asia/Ho_Chi_Minh (default: now)",
    )
    parser.add_argument(
        "--catalogue", metavar="FILE", help="catalogue JSON to use instead of the shipped one"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _parse_received(text: str | None) -> dt.datetime:
    from appliance.domain.calendar import VN_TZ

    if text is None:
        return dt.datetime.now(VN_TZ).replace(tzinfo=None, second=0, microsecond=0)
    received = dt.datetime.strptime(text.strip().replace("T", " ", 1), "%Y-%m-%d %H:%M")
    if not 2000 <= received.year <= 2099:  # dossier codes carry a 2-digit year
        raise ValueError("year outside 2000–2099")
    return received


class _Usage(Exception):
    """A bad argument, phrased for the user (exit status 2)."""


def _catalogue(path: str | None):
    from appliance.domain.catalogue import CatalogueError, default_catalogue, load_catalogue_json

    try:
        return load_catalogue_json(Path(path).read_bytes()) if path else default_catalogue()
    except (OSError, CatalogueError) as exc:
        raise _Usage(f"catalogue: {exc}") from None


def _compute(args: argparse.Namespace, config):
    """(catalogue, procedure, received, due date) for the arguments; raises _Usage."""
    from appliance.domain.calendar import CalendarError, WorkingCalendar, due_date

    try:
        received = _parse_received(args.received)
    except ValueError:
        raise _Usage(f"--received: expected 'YYYY-MM-DD HH:MM' in 2000–2099, "
                     f"got {args.received!r}") from None
    catalogue = _catalogue(args.catalogue)
    procedure = catalogue.get(args.procedure.strip())
    if procedure is None:
        known = ", ".join(p.code for p in catalogue.procedures)
        raise _Usage(f"--procedure: unknown code {args.procedure!r} (known: {known})")
    try:
        calendar = WorkingCalendar.from_config(config.calendar, catalogue.calendar_overrides)
        return catalogue, procedure, received, due_date(procedure, received, calendar)
    except CalendarError as exc:
        raise _Usage(f"calendar: {exc}") from None


def _as_json(catalogue, procedure, received: dt.datetime, result) -> str:
    from appliance.domain.calendar import format_portal_datetime, format_vn_datetime

    limit = procedure.time_limit
    return json.dumps(
        {
            "procedure": procedure.code,
            "procedure_name": procedure.name,
            "catalogue_version": catalogue.version,
            "time_limit": {
                "unit": limit.unit,
                "value": limit.value,
                "cutoff": f"{limit.cutoff:%H:%M}" if limit.cutoff else None,
                "text": limit.text,
            },
            "received": received.isoformat(timespec="minutes"),
            "received_vi": format_vn_datetime(received),
            "due": result.when.isoformat(timespec="minutes") if result.when else None,
            "due_vi": result.text_vi,
            "due_portal": result.portal,
            "received_portal": format_portal_datetime(received),
            "provisional": result.provisional,
            "unknown_years": list(result.unknown_years),
            "unconfirmed_days": [ov.to_dict() for ov in result.unconfirmed],
            "steps": result.steps,
        },
        ensure_ascii=False,
        indent=2,
    )


def run(args: argparse.Namespace, config) -> int:
    from appliance.domain.calendar import format_vn_datetime

    try:
        catalogue, procedure, received, result = _compute(args, config)
    except _Usage as exc:
        print(f"kiosk due-date: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    if args.json:
        print(_as_json(catalogue, procedure, received, result))
        return exitcodes.OK
    print(f"{procedure.code} — {procedure.name}")
    print(f"Thời gian giải quyết: {procedure.time_limit.text}")
    print(f"Thời gian nhận hồ sơ: {format_vn_datetime(received)}")
    print(f"Thời gian trả kết quả: {result.text_vi}")
    if result.provisional:
        years = ", ".join(str(y) for y in result.unknown_years)
        print(f"PROVISIONAL (tạm tính): no announced calendar for {years} yet")
    for ov in result.unconfirmed:
        print(f"Unconfirmed day ({ov.confidence}): {ov.date:%d/%m/%Y} {ov.kind} {ov.name}".rstrip())
    print("How it was reached:")
    for step in result.steps:
        print(f"  - {step}")
    return exitcodes.OK
