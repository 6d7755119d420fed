"""``kiosk seed --dossiers N [--pages P]``: synthetic finalized dossiers (demos, load tests,
benchmarks), finalized through the same door as a citizen's."""

from __future__ import annotations

import argparse
import json
import sys
import time

from appliance import exitcodes
from appliance.argtypes import int_in_range
from appliance.config import KioskConfig

HELP = "create synthetic finalized dossiers (invented people, realistic page images)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dossiers", type=int_in_range(0, 1_000_000), required=True,
                        metavar="N", help="how many (0–1000000)")
    parser.add_argument("--pages", type=int_in_range(0, 50), default=3, metavar="P",
                        help="pages per dossier (0–50)")
    parser.add_argument("--procedure", metavar="CODE", help="only this procedure (MaTTHC)")
    parser.add_argument("--seed", type=int_in_range(0, 2**32 - 1), default=0,
                        help="random seed, 0–4294967295 (reproducible people)")
    parser.add_argument("--json", action="store_true", help="print the created ids and codes")


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    from appliance.app import runtime, seeding
    from appliance.store import SubmissionRefused

    store = runtime.open_store(config)
    try:
        catalogue = runtime.current_catalogue(store)
        procedures = (
            [p for p in catalogue.procedures if p.code == args.procedure]
            if args.procedure
            else list(catalogue.procedures)
        )
        if not procedures:
            print(
                f"kiosk seed: procedure {args.procedure!r} is not in the catalogue", file=sys.stderr
            )
            return exitcodes.USAGE
        created: list[dict[str, str]] = []
        started = time.perf_counter()
        try:
            ctx = runtime.finalize_context(config, store, catalogue)
            pages = seeding.rendered_pages(min(max(args.pages, 1) * 2, 8), args.seed)
            for result in seeding.dossiers(store, ctx, procedures, args.dossiers,
                                           pages=args.pages, page_source=pages, seed=args.seed):
                created.append({"id": result.id, "code": result.code})
                if args.dossiers >= 20 and len(created) % max(1, args.dossiers // 10) == 0:
                    print(f"seeded {len(created)}/{args.dossiers}", file=sys.stderr)
        except SubmissionRefused as refused:
            print(f"kiosk seed: stopped after {len(created)} ({refused.code}): "
                  f"{refused.reason_en}", file=sys.stderr)
            return exitcodes.REFUSED
        elapsed = time.perf_counter() - started
    finally:
        store.close()
    if args.json:
        print(json.dumps({"created": created, "seconds": round(elapsed, 3)}, indent=2))
    else:
        print(
            f"seeded {len(created)} dossiers of {args.pages} page(s) in {elapsed:.2f} s "
            f"into {config.data_dir}"
        )
    return exitcodes.OK
