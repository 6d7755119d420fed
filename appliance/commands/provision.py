"""``kiosk provision``: first-boot provisioning from the boot partition (systemd/kiosk-provision).

Exit status: 0 when the kiosk is provisioned (or already was, unchanged); 2 when the boot
partition's kiosk.toml is missing or wrong — the kiosk then shows "chưa cấu hình" (or keeps its
previous configuration) and the reason is in ``provision-result.txt`` on the boot partition.
"""

from __future__ import annotations

import argparse
import json
import pwd
from pathlib import Path

from appliance import exitcodes

HELP = "first-boot provisioning from the boot partition's kiosk.toml"
NEEDS_CONFIG = False


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--boot-dir", type=Path, default=Path("/boot/firmware"),
                        help="boot partition holding kiosk.toml (default: /boot/firmware)")
    parser.add_argument("--data-dir", type=Path, default=Path("/var/lib/kiosk"),
                        help="the kiosk's data folder (default: /var/lib/kiosk)")
    parser.add_argument("--system-dir", type=Path, default=Path("/data/system"),
                        help="per-device system files on the data partition "
                        "(default: /data/system)")
    parser.add_argument("--owner", default="kiosk",
                        help="user owning the data folder (default: kiosk; ignored when absent)")
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")


def run(args: argparse.Namespace, config: object) -> int:
    from appliance.provisioning import Layout, provision

    owner = args.owner
    try:
        pwd.getpwnam(owner)
    except KeyError:
        owner = None
    outcome = provision(Layout(args.boot_dir, args.data_dir, args.system_dir, owner))
    if args.json:
        print(json.dumps(outcome.to_json(), ensure_ascii=False, indent=2))
    else:
        print(f"kiosk provision: {outcome.status}"
              + (f" ({outcome.code}: {outcome.reason_en})" if outcome.reason_en else ""))
        if outcome.device_public_key:
            print(f"device public key: {outcome.device_public_key}")
        for warning in outcome.warnings:
            print(f"warning: {warning}")
    return exitcodes.OK if outcome.ok else exitcodes.USAGE
