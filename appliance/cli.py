"""The single ``kiosk`` entry point (DESIGN §11).

Each sub-command lives in its own module that defines ``HELP`` (one line), ``add_arguments(parser)``
and ``run(args, config) -> int``; a module may set ``NEEDS_CONFIG = False`` when it reads no
``kiosk.toml`` (e.g. ``provision`` reads the boot partition's). Modules are imported lazily so that
``kiosk status`` never pays for Kivy, and a command whose module is not installed is simply absent
from ``kiosk --help``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from types import ModuleType

from appliance import __version__, exitcodes
from appliance.config import ConfigError, load

COMMANDS: dict[str, str] = {
    "run": "appliance.ui.command",
    "sync": "sync.command",
    "demo": "appliance.commands.demo",
    "portal-sim": "sync.portal_sim.command",
    "status": "appliance.commands.status",
    "doctor": "appliance.commands.doctor",
    "decode": "appliance.commands.decode",
    "due-date": "appliance.commands.due_date",
    "slip": "appliance.commands.slip",
    "seed": "appliance.commands.seed",
    "provision": "appliance.commands.provision",
}


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Self-service kiosk for commune public services.",
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="kiosk.toml to use (default: $KIOSK_CONFIG, then /etc/kiosk/kiosk.toml, "
        "then a desktop default with simulated hardware)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules: dict[str, ModuleType] = {}
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        modules[name] = module
        cmd = sub.add_parser(name, help=module.HELP, description=module.HELP)
        cmd.add_argument(
            "--config", metavar="PATH", default=argparse.SUPPRESS, help="kiosk.toml to use"
        )
        module.add_arguments(cmd)
    return parser, modules


def main(argv: list[str] | None = None) -> int:
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return exitcodes.USAGE
    module = modules[args.command]
    config = None
    if getattr(module, "NEEDS_CONFIG", True):
        try:
            config = load(args.config)
        except ConfigError as exc:
            print(f"kiosk: configuration error: {exc}", file=sys.stderr)
            return exitcodes.USAGE
    try:
        return int(module.run(args, config))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
