"""`make image-test`: boot the built image under qemu-system-aarch64 -M virt and check it works.

The image's own kernel and initrd (from its boot partition) boot a copy of the image, grown by
1 GiB so the data partition must grow. A test kiosk.toml on the boot partition points the kiosk at
the reference gateway (`kiosk portal-sim`, TLS with a throw-away CA) on this host, reached from the
guest through QEMU's user network (10.0.2.2 is the host's loopback). The image's self-test unit,
enabled from the kernel command line, reports facts as KIOSK-SELFTEST lines on the serial console.

Three boots: (1) provisioning, root read-only, data read-write and grown, watchdog armed, UI and
sync started, one seeded dossier delivered to the gateway; (2) with the gateway stopped, dossiers
are seeded one after another and QEMU is killed in the middle of writing one (a power cut); then
``update_card.py`` puts the system on the card again, keeping its data partition; (3) with the
gateway back, the device key is the one of boot 1 and every dossier announced as committed
before the cut reaches it.
Prints a summary with timings; exit status 0 only when every check holds.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
GUEST_HOST_IP = "10.0.2.2"  # QEMU user networking: the host's loopback seen from the guest
MARK = "KIOSK-SELFTEST "


def run(*cmd: str | Path, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in cmd], check=True, text=True, capture_output=True, **kw)


def partitions(image: Path) -> list[dict]:
    table = json.loads(run("sfdisk", "--json", image).stdout)["partitiontable"]
    return table["partitions"]


def fat(image: Path) -> str:
    """mtools' ``image@@offset`` for the boot partition."""
    return f"{image}@@{partitions(image)[0]['start'] * 512}"


def extract_kernel(image: Path, work: Path) -> tuple[Path, Path]:
    names = run("mdir", "-b", "-i", fat(image), "::").stdout.split()
    names = [n.lstrip(":/") for n in names]
    kernel = sorted(n for n in names if n.startswith("vmlinuz-"))[-1]
    initrd = sorted(n for n in names if n.startswith("initrd.img-"))[-1]
    for name in (kernel, initrd):
        run("mcopy", "-o", "-n", "-i", fat(image), f"::{name}", work / name)
    return work / kernel, work / initrd


def make_tls(work: Path) -> tuple[Path, Path]:
    cert, key = work / "gateway-cert.pem", work / "gateway-key.pem"
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-days", "2", "-subj", "/CN=kiosk image-test gateway", "-keyout", key,
        "-out", cert, "-addext", f"subjectAltName=IP:{GUEST_HOST_IP},IP:127.0.0.1")
    return cert, key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gateway:
    """`kiosk portal-sim` on 127.0.0.1:port with TLS, its data kept across restarts."""

    def __init__(self, work: Path, port: int, cert: Path, key: Path) -> None:
        self.data, self.port, self.cert, self.key = work / "gateway", port, cert, key
        self.proc: subprocess.Popen[str] | None = None
        self.info: dict = {}
        self.first_settings: dict[str, str] = {}
        """What the card's kiosk.toml got (the sim writes a fresh enrolment code each start)."""

    def start(self) -> None:
        log = open(self.data.parent / "gateway.log", "a")  # noqa: SIM115 (closed below)
        self.proc = subprocess.Popen(
            [str(REPO / ".venv/bin/kiosk"), "portal-sim", "--port", str(self.port), "--data",
             str(self.data), "--tls-cert", str(self.cert), "--tls-key", str(self.key),
             "--kiosk-id", "K01"],
            stdout=subprocess.PIPE, stderr=log, text=True)
        assert self.proc.stdout is not None
        self.info = json.loads(self.proc.stdout.readline())
        log.close()  # the child holds its own descriptor

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)
            self.proc = None

    def dossiers(self) -> list[dict]:
        ctx = ssl.create_default_context(cafile=str(self.cert))
        token = Path(self.info["admin_token_file"]).read_text(encoding="ascii").strip()
        request = urllib.request.Request(f"https://127.0.0.1:{self.port}/admin/dossiers",
                                         headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, context=ctx, timeout=10) as resp:
            doc = json.load(resp)
        return doc["dossiers"] if isinstance(doc, dict) else doc

    def kiosk_settings(self) -> dict[str, str]:
        import tomllib

        sim = tomllib.loads(Path(self.info["kiosk_toml"]).read_text(encoding="utf-8"))
        creds = json.loads(Path(sim["gateway"]["credentials_file"]).read_text(encoding="utf-8"))
        return {"portal_public_key": sim["gateway"]["portal_public_key"],
                "receipt_public_key": sim["gateway"]["receipt_public_key"],
                "enrolment_code": sim["gateway"]["enrolment_code"],
                "client_id": creds["client_id"], "client_secret": creds["client_secret"]}


def test_kiosk_toml(port: int, settings: dict[str, str]) -> str:
    return f"""\
# Written by image-build/qemu_test.py
[kiosk]
id = "K01"
unit_code = "000.00.00.H56"

[gateway]
url = "https://{GUEST_HOST_IP}:{port}"
portal_public_key = "{settings["portal_public_key"]}"
receipt_public_key = "{settings["receipt_public_key"]}"
enrolment_code = "{settings["enrolment_code"]}"
ca_bundle = "/boot/firmware/gateway-ca.pem"

[provision]
hostname = "kiosk-qemu"
staff_pin = "135790"
gateway_client_id = "{settings["client_id"]}"
gateway_client_secret = "{settings["client_secret"]}"

[ui]
fullscreen = true

[sync]
interval_s = 5.0
backoff_cap_s = 15.0
"""


@dataclass
class Boot:
    """One QEMU run; KIOSK-SELFTEST facts arrive on ``facts`` as they are printed."""

    proc: subprocess.Popen[bytes]
    log: Path
    started: float = field(default_factory=time.monotonic)
    facts: queue.Queue = field(default_factory=queue.Queue)

    def pump(self) -> None:
        assert self.proc.stdout is not None
        with open(self.log, "ab") as log:
            for raw in self.proc.stdout:
                log.write(raw)
                log.flush()
                line = raw.decode("utf-8", "replace")
                if MARK in line:
                    try:
                        self.facts.put(json.loads(line.split(MARK, 1)[1]))
                    except ValueError:
                        continue
        self.facts.put(None)

    def expect(self, check: str, timeout: float) -> dict:
        end = time.monotonic() + timeout
        while True:
            try:
                fact = self.facts.get(timeout=max(0.1, end - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f"no '{check}' report within {timeout:.0f} s") from None
            if fact is None:
                raise RuntimeError(f"QEMU exited before reporting '{check}'")
            if fact.get("check") == "seed" and not fact.get("ok", True):
                raise RuntimeError(f"seeding failed in the guest: {fact.get('error')}")
            if fact.get("check") == check:
                fact["host_elapsed_s"] = round(time.monotonic() - self.started, 1)
                return fact

    def drain(self, check: str) -> list[str]:
        """Ids of ``check`` facts already printed (after QEMU was killed)."""
        ids = []
        while (fact := self.facts.get()) is not None:
            if fact.get("check") == check:
                ids.append(fact["id"])
        return ids

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL: the power cut
        self.proc.wait()


def boot(image: Path, kernel: Path, initrd: Path, phase: str, log: Path, smp: int) -> Boot:
    cmdline = ("console=ttyAMA0 root=LABEL=KIOSKROOT rootfstype=ext4 ro rootwait "
               "consoleblank=0 net.ifnames=0 systemd.wants=kiosk-selftest.service "
               f"kiosk.selftest={phase}")
    cmd = ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a72", "-smp", str(smp),
           "-m", "2048", "-accel", "tcg,thread=multi", "-display", "none", "-serial", "stdio",
           "-monitor", "none", "-kernel", str(kernel), "-initrd", str(initrd),
           "-append", cmdline,
           "-drive", f"if=none,id=hd,file={image},format=raw,cache=writeback",
           "-device", "virtio-blk-pci,drive=hd",
           "-netdev", "user,id=net0", "-device", "virtio-net-pci,netdev=net0",
           "-device", "virtio-gpu-pci", "-device", "i6300esb",
           "-device", "virtio-rng-pci", "-no-reboot"]
    with open(log, "ab") as fh:
        fh.write(f"\n===== {' '.join(cmd)}\n".encode())
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    b = Boot(proc, log)
    threading.Thread(target=b.pump, daemon=True).start()
    return b


class Checks:
    def __init__(self) -> None:
        self.results: list[tuple[bool, str, str]] = []

    def check(self, ok: bool, name: str, detail: object = "") -> bool:
        self.results.append((bool(ok), name, str(detail)))
        print(f"{'PASS' if ok else 'FAIL'}  {name}  {detail}", flush=True)
        return bool(ok)

    @property
    def ok(self) -> bool:
        return bool(self.results) and all(ok for ok, _, _ in self.results)


def first_boot(b: Boot, gateway: Gateway, c: Checks, timeout: float) -> dict[str, Any]:
    """Timings, and the device key provisioning made (kept across the update later)."""
    timings: dict[str, Any] = {}
    prov = b.expect("provision", timeout)
    timings["provisioned_uptime_s"] = prov["uptime_s"]
    state = prov.get("provisioned") or {}
    timings["device_public_key"] = state.get("device_public_key")
    c.check(prov["unit"].get("Result") == "success" and state.get("kiosk_id") == "K01",
            "provisioning done", {"unit": prov["unit"], "unconfigured": prov.get("unconfigured")})
    root = b.expect("root", 120)
    c.check("ro" in root["options"], "root mounted read-only", ",".join(root["options"]))
    data = b.expect("data", 120)
    c.check(data["writable"] and "rw" in data["options"], "data partition read-write",
            data["source"])
    c.check(data["size_bytes"] > 900 * 2**20, "data partition grown to the disk",
            f"{data['size_bytes'] // 2**20} MiB")
    wd = b.expect("watchdog", 120)
    c.check(wd["runtime_usec"] not in ("", "0", "infinity") and wd["state"] == "active",
            "hardware watchdog armed", wd)
    ident = b.expect("identity", 120)
    c.check(ident["hostname"] == "kiosk-qemu"
            and ident["localtime"].endswith("Asia/Ho_Chi_Minh"), "hostname and time zone", ident)
    pk = b.expect("polkit", 120)
    c.check(pk["scan"] and pk["network-control"] and pk["system"] and not pk["hostname"],
            "staff Wi-Fi allowed by polkit for user kiosk, nothing else", pk)
    ui = b.expect("ui", 300)
    # Running now ("start" = launched, READY=1 not yet sent); not "auto-restart" after a crash.
    c.check(ui["unit"].get("SubState") in ("running", "start"), "UI service started",
            ui["unit"])
    sync = b.expect("sync", 120)
    c.check(sync["unit"].get("ActiveState") == "active", "sync service active", sync["unit"])
    queued = b.expect("queued", 900)
    drained = b.expect("drained", 900)
    timings["boot_to_sync_uptime_s"] = drained["uptime_s"]
    delivered = {d["dossier_id"]: d for d in gateway.dossiers()}
    got = delivered.get(queued["id"])
    c.check(drained["ok"] and got is not None and got.get("complete"),
            "seeded dossier delivered to the gateway",
            {"id": queued["id"], "queue": drained["queue"], "at_gateway": bool(got)})
    return timings


@dataclass
class Card:
    """The test card, its kernel and the gateway it talks to; ``boot`` starts the next phase."""

    image: Path
    source: Path
    """The built image (``update_card.py`` puts its system onto the card)."""
    kernel: Path
    initrd: Path
    log: Path
    smp: int
    timeout: float
    gateway: Gateway
    current: Boot | None = None

    def boot(self, phase: str) -> Boot:
        self.current = boot(self.image, self.kernel, self.initrd, phase, self.log, self.smp)
        return self.current


def prepare(args: argparse.Namespace, work: Path) -> Card:
    """A sparse copy of the image grown by 1 GiB, a TLS gateway, and the technician's files."""
    image = work / "test.img"
    run("cp", "--sparse=always", args.image, image)
    with open(image, "r+b") as fh:  # a bigger "card": the data partition must grow into it
        fh.truncate(image.stat().st_size + 2**30)
    kernel, initrd = extract_kernel(image, work)
    cert, key = make_tls(work)
    port = free_port()
    gateway = Gateway(work, port, cert, key)
    gateway.data.mkdir()
    gateway.start()
    toml = work / "kiosk.toml"
    gateway.first_settings = settings = gateway.kiosk_settings()  # with a one-time code
    toml.write_text(test_kiosk_toml(port, settings), encoding="utf-8")
    run("mcopy", "-o", "-i", fat(image), toml, "::kiosk.toml")
    run("mcopy", "-o", "-i", fat(image), cert, "::gateway-ca.pem")
    return Card(image, args.image, kernel, initrd, work / "console.log", args.smp, args.timeout,
                gateway)


def provisioned(card: Card, c: Checks, timings: dict[str, float]) -> str:
    """First boot, then the boot partition checked; returns the device public key."""
    current = card.boot("boot")
    first = first_boot(current, card.gateway, c, card.timeout)
    first_key = first.pop("device_public_key")
    timings.update(first)
    current.kill()
    scrubbed = run("mtype", "-i", fat(card.image), "::kiosk.toml").stdout
    settings = card.gateway.first_settings
    c.check(settings["client_secret"] not in scrubbed and "135790" not in scrubbed
            and settings["enrolment_code"] not in scrubbed,
            "secrets and the enrolment code blanked on the boot partition")
    result = run("mtype", "-i", fat(card.image), "::provision-result.txt").stdout
    c.check(result.startswith("OK"), "provision-result.txt says OK", result.splitlines()[0])
    return first_key


def power_cut(card: Card, c: Checks) -> list[str]:
    """Power cut while writing, with the gateway away so dossiers stay queued; returns the ids
    of the committed dossiers."""
    card.gateway.stop()
    current = card.boot("powercut")
    queued = [current.expect("queued", card.timeout) for _ in range(3)]
    # Cut the power part-way through the next dossier's finalize: 60 % of the time one took.
    gap = queued[2]["host_elapsed_s"] - queued[1]["host_elapsed_s"]
    time.sleep(0.6 * gap)
    current.kill()
    committed = [q["id"] for q in queued] + current.drain("queued")
    c.check(True, "power cut during writes",
            f"{len(committed)} dossiers committed, cut {0.6 * gap:.1f} s into the next")
    return committed


def updated_and_recovered(card: Card, c: Checks, committed: list[str], first_key: str) -> None:
    """A new system onto the card while those dossiers wait (same image: what is checked is that
    update_card.py keeps the data partition and the card's configuration), then every committed
    dossier delivered."""
    update = subprocess.run([sys.executable, str(REPO / "image-build" / "update_card.py"),
                             str(card.source), str(card.image)], capture_output=True, text=True)
    c.check(update.returncode == 0, "system updated in place with update_card.py",
            (update.stdout + update.stderr).strip().splitlines()[-1:])
    card.gateway.start()
    current = card.boot("recover")
    prov = current.expect("provision", card.timeout)
    state = prov.get("provisioned") or {}
    c.check(prov["unit"].get("Result") == "success"
            and state.get("device_public_key") == first_key,
            "after the update: same device key, provisioning kept",
            {"unit": prov["unit"].get("Result"), "same_key":
             state.get("device_public_key") == first_key})
    drained = current.expect("drained", card.timeout)
    c.check(drained["database"] and drained["database"].get("ok"),
            "store healthy after the power cut", drained["database"])
    at_gateway = {d["dossier_id"] for d in card.gateway.dossiers() if d.get("complete")}
    lost = [i for i in committed if i not in at_gateway]
    c.check(drained["ok"] and not lost, "no committed dossier lost",
            {"committed": len(committed), "lost": lost, "queue": drained["queue"]})
    current.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--smp", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=1800, help="first report, seconds")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    t0 = time.monotonic()
    card = prepare(args, work)
    c = Checks()
    timings: dict[str, float] = {}
    try:
        first_key = provisioned(card, c, timings)
        committed = power_cut(card, c)
        updated_and_recovered(card, c, committed, first_key)
    except (TimeoutError, RuntimeError) as exc:
        c.check(False, "boot sequence", exc)
    finally:
        if card.current is not None and card.current.proc.poll() is None:
            card.current.kill()
        card.gateway.stop()
    timings["total_s"] = round(time.monotonic() - t0, 1)
    print(json.dumps({"ok": c.ok, "timings": timings, "console_log": str(card.log)}, indent=2))
    return 0 if c.ok else 1

if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
