"""``kiosk due-date``: the return date the kiosk would print, and how it was reached."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from appliance import exitcodes
from appliance.config import KioskConfig

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
    return dt.datetime.strptime(text.strip().replace("T", " ", 1), "%Y-%m-%d %H:%M")


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    from appliance.domain.calendar import (
        CalendarError,
        WorkingCalendar,
        due_date,
        format_portal_datetime,
        format_vn_datetime,
    )
    from appliance.domain.catalogue import CatalogueError, default_catalogue, load_catalogue_json

    try:
        received = _parse_received(args.received)
    except ValueError:
        print(
            f"kiosk due-date: --received: expected 'YYYY-MM-DD HH:MM', got {args.received!r}",
            file=sys.stderr,
        )
        return exitcodes.USAGE
    try:
        if args.catalogue:
            catalogue = load_catalogue_json(Path(args.catalogue).read_bytes())
        else:
            catalogue = default_catalogue()
    except (OSError, CatalogueError) as exc:
        print(f"kiosk due-date: catalogue: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    procedure = catalogue.get(args.procedure.strip())
    if procedure is None:
        known = ", ".join(p.code for p in catalogue.procedures)
        print(
            f"kiosk due-date: --procedure: unknown code {args.procedure!r} (known: {known})",
            file=sys.stderr,
        )
        return exitcodes.USAGE
    try:
        calendar = WorkingCalendar.from_config(config.calendar, catalogue.calendar_overrides)
        result = due_date(procedure, received, calendar)
    except CalendarError as exc:
        print(f"kiosk due-date: calendar: {exc}", file=sys.stderr)
        return exitcodes.USAGE

    limit = procedure.time_limit
    if args.json:
        print(
            json.dumps(
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
                    "steps": result.steps,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return exitcodes.OK
    print(f"{procedure.code} — {procedure.name}")
    print(f"Thời gian giải quyết: {limit.text}")
    print(f"Thời gian nhận hồ sơ: {format_vn_datetime(received)}")
    print(f"Thời gian trả kết quả: {result.text_vi}")
    print("How it was reached:")
    for step in result.steps:
        print(f"  - {step}")
    return exitcodes.OK
