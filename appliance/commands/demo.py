"""``kiosk demo``: the whole kiosk on a desktop, no setup (DESIGN §11).

In a fresh data folder it starts the reference gateway (``kiosk portal-sim``), the sync daemon
(``kiosk sync``) and the touch UI with simulated hardware and the demo tray, each as its own
process exactly as on a device, and stops all of them when the UI closes or on Ctrl+C. The
simulated camera and scanner get a folder of sample ID cards (invented people) and pages.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import tomlkit

from appliance import exitcodes
from appliance.app.samples import DEMO_SITES

HELP = "desktop demo: local gateway, sync daemon and the touch UI with simulated hardware"
NEEDS_CONFIG = False

SAMPLE_CARDS = {
    "01-nguyen-thi-mau.txt":
        "001088012345||Nguyễn Thị Mẫu|15031988|Nữ|Thôn Thử, xã Mẫu, tỉnh Mẫu|01012022",
    "02-tran-van-thu.txt":
        "079190001234|025123456|Trần Văn Thử|02091990|Nam|Số 12 đường Mẫu, phường Thử, "
        "thành phố Mẫu|15082021",
    "03-the-bhyt-sai-the.txt":
        "DN4010120000001|4E677579E1BB856E|01/01/1980|2|4869|79-123|01/01/2024|-|0|",
    # a card issued before 1/7/2025: the form offers today's "xã Thăng Phú, thành phố Đà Nẵng"
    "04-the-cu-dia-chi-cu.txt":
        "049190005678||Phan Thị Thử|12071990|Nữ|Thôn 3, xã Bình Phú, huyện Thăng Bình, "
        "tỉnh Quảng Nam|20052021",
}
DEMO_UNIT = {
    "unit_name": "Trung tâm Phục vụ hành chính công xã Thăng Phú",
    "parent_body": "UBND XÃ THĂNG PHÚ",
    "place": "Thăng Phú",
}
"""The demo's receiving unit, with today's names (two-level local government since 1/7/2025):
config data like any kiosk.toml, never a code constant of the kiosk itself."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="DIR", default="",
                        help="data folder (default: a fresh temporary folder)")
    parser.add_argument("--size", metavar="WxH", default="800x480",
                        help="window size: 800x480 (7\" panel) or 1080x1920 (cabinet)")
    parser.add_argument("--no-ui", action="store_true",
                        help="start the gateway and sync daemon only, until Ctrl+C")


def _kiosk(*args: str) -> list[str]:
    return [sys.executable, "-m", "appliance.cli", *args]


def _say(text: str) -> None:
    print(f">> {text}", flush=True)


def write_demo_config(gateway_toml: Path, data: Path, *, card_reader: str = "sim") -> Path:
    """The gateway sim's kiosk.toml plus what a desktop demo needs (host clock, sample folder,
    the simulated chip reader the demo tray puts cards on)."""
    doc = tomlkit.parse(gateway_toml.read_text(encoding="utf-8"))
    kiosk = doc["kiosk"]
    kiosk.add("clock", "host")
    for key, value in DEMO_UNIT.items():
        kiosk.add(key, value)
    kiosk.add("sites", DEMO_SITES)
    doc.add("hardware", {"sim_dir": str(data / "sim"), "card_reader": card_reader})
    doc.add("storage", {"reserve_mb": 64})
    doc.add("sync", {"interval_s": 5.0})
    text = tomlkit.dumps(doc)
    path = data / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def fill_samples(sim: Path) -> None:
    """Sample ID cards for the camera, two sample pages for the scanner tray."""
    camera = sim / "camera"
    camera.mkdir(parents=True, exist_ok=True)
    for name, payload in SAMPLE_CARDS.items():
        (camera / name).write_text(payload + "\n", encoding="utf-8")
    scanner = sim / "scanner"
    scanner.mkdir(parents=True, exist_ok=True)
    from appliance.app.samples import page_images

    for i, image in enumerate(page_images(2, seed=100)):
        image.save(scanner / f"trang-{i + 1}.png")


def _start_gateway(data: Path, log: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    proc = subprocess.Popen(_kiosk("portal-sim", "--port", "0", "--data", str(data / "gateway")),
                            stdout=subprocess.PIPE, stderr=log.open("a"), text=True)
    line = proc.stdout.readline() if proc.stdout else ""
    if not line:
        proc.kill()
        raise RuntimeError(f"the gateway sim did not start (see {log})")
    return proc, json.loads(line)


def _stop(procs: list[subprocess.Popen[str]]) -> None:
    for proc in reversed(procs):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    for proc in reversed(procs):
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run(args: argparse.Namespace, config: object = None) -> int:
    if not args.no_ui and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        print("kiosk demo: no display. Run it in a desktop session, or under `xvfb-run -a`, "
              "or with --no-ui.", file=sys.stderr)
        return exitcodes.USAGE
    data = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="kiosk-demo-"))
    data.mkdir(parents=True, exist_ok=True)
    log = data / "demo.log"
    procs: list[subprocess.Popen[str]] = []
    stopping = False

    def on_signal(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        _say(f"data folder: {data} (logs in {log})")
        gateway, info = _start_gateway(data, log)
        procs.append(gateway)
        _say(f"gateway sim at {info['url']} (decrypted dossiers: curl -H \"Authorization: Bearer "
             f"$(cat {info['admin_token_file']})\" {info['url']}/admin/dossiers)")
        config_path = write_demo_config(Path(info["kiosk_toml"]), data)
        fill_samples(data / "sim")
        _say(f"sample ID cards in {data / 'sim' / 'camera'}, pages in {data / 'sim' / 'scanner'}")
        procs.append(subprocess.Popen(_kiosk("--config", str(config_path), "sync"),
                                      stdout=log.open("a"), stderr=subprocess.STDOUT, text=True))
        _say("sync daemon started")
        if args.no_ui:
            _say("no UI (--no-ui); Ctrl+C stops everything")
            while all(p.poll() is None for p in procs):
                time.sleep(0.5)
            return exitcodes.FAILURE
        _say("touch UI started: press \"Thử nghiệm\" on the welcome screen for the demo tray "
             "(sample cards, pages, paper out); staff mode: tap the bottom-left corner 5 times, "
             "PIN 1234")
        ui = subprocess.Popen(_kiosk("--config", str(config_path), "run", "--windowed", "--demo",
                                     "--size", args.size), stderr=log.open("a"), text=True)
        procs.append(ui)
        code = ui.wait()
        _say(f"UI closed (exit {code}); stopping the sync daemon and the gateway")
        return exitcodes.OK if code == 0 else exitcodes.FAILURE
    except KeyboardInterrupt:
        _say("stopping")
        return 130 if not stopping else exitcodes.OK
    finally:
        _stop(procs)
        signal.signal(signal.SIGTERM, previous)
        if not args.data and os.environ.get("KIOSK_DEMO_CLEANUP") == "1":
            shutil.rmtree(data, ignore_errors=True)
