"""``kiosk seed --dossiers N [--pages P]``: synthetic finalized dossiers (demos, load tests,
benchmarks), finalized through the same door as a citizen's."""

from __future__ import annotations

import argparse
import json
import sys
import time

from appliance import exitcodes
from appliance.config import KioskConfig

HELP = "create synthetic finalized dossiers (invented people, realistic page images)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dossiers", type=int, required=True, metavar="N", help="how many")
    parser.add_argument("--pages", type=int, default=3, metavar="P", help="pages per dossier")
    parser.add_argument("--procedure", metavar="CODE", help="only this procedure (MaTTHC)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (reproducible people)")
    parser.add_argument("--json", action="store_true", help="print the created ids and codes")


def page_pool(count: int, seed: int) -> list[bytes]:
    """A few processed A4 page images to draw from (rendering one costs ~0.3 s)."""
    from appliance.app.samples import page_files

    return page_files(count, seed)


def run(args: argparse.Namespace, config: KioskConfig) -> int:
    import random

    from appliance.app import runtime
    from appliance.domain.dossier import Draft, Page
    from appliance.store import SubmissionRefused
    from appliance.submission import finalize
    from appliance.synthetic import person, phone

    if args.dossiers < 0 or args.pages < 0:
        print("kiosk seed: --dossiers and --pages must be ≥ 0", file=sys.stderr)
        return exitcodes.USAGE
    store = runtime.open_store(config)
    try:
        catalogue = runtime.current_catalogue(store)
        procedures = (
            [catalogue.get(args.procedure)] if args.procedure else list(catalogue.procedures)
        )
        if not procedures or procedures[0] is None:
            print(
                f"kiosk seed: procedure {args.procedure!r} is not in the catalogue", file=sys.stderr
            )
            return exitcodes.USAGE
        try:
            ctx = runtime.finalize_context(config, store, catalogue)
        except SubmissionRefused as refused:
            print(f"kiosk seed: refused ({refused.code}): {refused.detail}", file=sys.stderr)
            return exitcodes.REFUSED
        rng = random.Random(args.seed)
        pool = page_pool(min(max(args.pages, 1) * 2, 8), args.seed) if args.pages else []
        created = []
        started = time.perf_counter()
        for n in range(args.dossiers):
            procedure = rng.choice(procedures)
            components = [c.code for c in procedure.components if c.required] or [
                c.code for c in procedure.components
            ]
            pages: dict[str, list[Page]] = {}
            for i in range(args.pages):
                pages.setdefault(components[i % len(components)], []).append(
                    Page(rng.choice(pool), "image/jpeg")
                )
            identity = person(rng)
            form = {
                f.name: identity.full_name if f.prefill == "full_name" else f"Mẫu {n}"
                for f in procedure.form
                if f.required
            }
            draft = Draft(procedure.code, identity, form, pages, phone=phone(rng))
            try:
                result = finalize(store, draft, ctx)
            except SubmissionRefused as refused:
                print(
                    f"kiosk seed: stopped after {n} ({refused.code}): {refused.detail}",
                    file=sys.stderr,
                )
                return exitcodes.REFUSED
            created.append({"id": result.id, "code": result.code})
            if args.dossiers >= 20 and (n + 1) % max(1, args.dossiers // 10) == 0:
                print(f"seeded {n + 1}/{args.dossiers}", file=sys.stderr)
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
