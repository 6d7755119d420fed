"""Start the image test's QEMU just long enough to prove this machine has all it needs.

`make image-test` once failed on a fresh Debian 12 machine after `make image` had succeeded
(``failed to find romfile "efi-virtio.rom"``): the build machine lacked a file QEMU loads while it
builds the virtual machine. This runs ``qemu_test.qemu_command`` — the very command line of the
test — with a QMP monitor added on an inherited socket. QEMU answers ``query-status`` only once
it has built the whole machine (devices, option ROMs, kernel and initrd loaded) and exits with
its reason otherwise, so both outcomes are awaited, never guessed with a sleep.

Without ``--image`` a placeholder kernel is loaded and the CPUs stay paused (``-S``); with
``--image`` the image's own kernel and initrd (from its boot partition, read with sfdisk and
mtools as the test does) run until the kernel prints its version on the serial console.
Used by tests/image (no image, in CI) and by ``make host-check`` in a clean Debian 12 chroot.
Prints one JSON line; exit status 0 only when QEMU started.
"""

from __future__ import annotations

import argparse
import json
import queue
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

from qemu_test import extract_kernel, kernel_cmdline, qemu_command  # beside this script

KERNEL_BANNER = b"Linux version "


class QemuFailed(Exception):
    """QEMU did not build the machine or start the kernel; the message says why."""


class Qmp:
    """Just enough of the QEMU Machine Protocol: one command at a time, answers in order."""

    def __init__(self, sock: socket.socket) -> None:
        self.file = sock.makefile("rwb")
        self.greeting = self._message()

    def _message(self) -> dict:
        line = self.file.readline()
        if not line:
            raise EOFError("QEMU closed its monitor")
        return json.loads(line)

    def execute(self, command: str) -> dict:
        self.file.write(json.dumps({"execute": command}).encode() + b"\n")
        self.file.flush()
        while "return" not in (msg := self._message()) and "error" not in msg:
            continue  # an asynchronous event
        if "error" in msg:
            raise QemuFailed(f"QMP {command}: {msg['error']}")
        return msg["return"]


def launch(cmd: list[str], paused: bool) -> tuple[subprocess.Popen[bytes], socket.socket]:
    """``cmd`` plus a QMP monitor on one end of a socket pair (the other end is returned)."""
    ours, theirs = socket.socketpair()
    extra = ["-S"] if paused else []
    extra += ["-chardev", f"socket,id=preflight,fd={theirs.fileno()}",
              "-mon", "chardev=preflight,mode=control"]
    proc = subprocess.Popen(cmd + extra, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    theirs.close()
    return proc, ours


def lines(stream: IO[bytes]) -> queue.Queue[bytes | None]:
    """The serial console's lines as they come; None when QEMU closed it."""
    out: queue.Queue[bytes | None] = queue.Queue()

    def pump() -> None:
        for line in stream:
            out.put(line)
        out.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return out


def kernel_banner(console: queue.Queue[bytes | None], deadline: float) -> str:
    while True:
        try:
            line = console.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            raise QemuFailed("the kernel printed nothing on the serial console in time") from None
        if line is None:
            raise QemuFailed("QEMU exited before the kernel printed its version")
        if KERNEL_BANNER in line:
            banner = line[line.index(KERNEL_BANNER):].decode("utf-8", "replace")
            return banner.strip()[:120]


def check(cmd: list[str], paused: bool, timeout: float) -> dict:
    """Start QEMU with ``cmd``; what it reported, or QemuFailed with QEMU's own reason."""
    t0 = time.monotonic()
    proc, sock = launch(cmd, paused)
    sock.settimeout(timeout)
    console = lines(proc.stdout)
    result: dict = {}
    try:
        qmp = Qmp(sock)
        result["qemu"] = qmp.greeting["QMP"]["version"]["package"] or "?"
        qmp.execute("qmp_capabilities")
        result["status"] = qmp.execute("query-status")["status"]
        result["machine_built_s"] = round(time.monotonic() - t0, 2)
        if not paused:
            result["kernel"] = kernel_banner(console, t0 + timeout)
            result["kernel_started_s"] = round(time.monotonic() - t0, 2)
        qmp.execute("quit")
    except (OSError, EOFError, ValueError, QemuFailed) as exc:  # timeout, closed monitor, …
        proc.kill()
        proc.wait()
        reason = proc.stderr.read().decode("utf-8", "replace").strip()
        raise QemuFailed(reason or str(exc)) from exc
    finally:
        sock.close()
    proc.wait(timeout=timeout)
    return result


def placeholders(work: Path) -> tuple[Path, Path]:
    kernel, initrd = work / "placeholder-kernel", work / "placeholder-initrd"
    kernel.write_bytes(bytes(64 * 1024))  # loaded, never run: the CPUs stay paused
    initrd.write_bytes(bytes(4096))
    return kernel, initrd


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="scratch folder")
    parser.add_argument("--image", type=Path, help="boot this image's kernel (else: paused)")
    parser.add_argument("--smp", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    disk = args.work / "disk.img"  # the test's disk is a copy of the image; any disk will do here
    with open(disk, "wb") as fh:
        fh.truncate(64 * 2**20)
    if args.image:
        kernel, initrd = extract_kernel(args.image, args.work)
    else:
        kernel, initrd = placeholders(args.work)
    cmd = qemu_command(disk, kernel, initrd, kernel_cmdline("preflight"), args.smp)
    try:
        report = {"ok": True, **check(cmd, paused=not args.image, timeout=args.timeout)}
    except QemuFailed as exc:
        report = {"ok": False, "error": str(exc)}
    except FileNotFoundError:
        report = {"ok": False, "error": f"{cmd[0]} not found: install qemu-system-arm "
                  "(image-build/host-packages.txt)"}
    print(json.dumps(report, ensure_ascii=False), flush=True)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
