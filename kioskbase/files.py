"""Reading a small text file that a technician or an attacker may have put anywhere.

Opened without blocking and checked before reading, so a FIFO, a device such as /dev/zero, a
folder or a huge file is refused at once instead of hanging the kiosk or filling its memory. Used
for kiosk.toml (``appliance.config``), the calendar overrides file (the domain) and the
credentials file (the sync client), which is why it sits below every package.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path


class FileRefused(Exception):
    """The file was not read; ``problem`` says why, for the technician (English)."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def read_text(path: Path, limit: int) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes, or FileRefused."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise FileRefused(path, open_problem(exc)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise FileRefused(path, "is a directory, expected a kiosk.toml file")
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(path, "not a regular file (a pipe or a device?)")
        if info.st_size > limit:
            raise FileRefused(path, f"{info.st_size} bytes, larger than the {limit} allowed")
        data = _read_at_most(fd, limit + 1)
    except OSError as exc:
        raise FileRefused(path, f"cannot read ({exc.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise FileRefused(path, f"larger than the {limit} bytes allowed")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")  # Notepad's BOM: not part of the text
    except UnicodeDecodeError:
        raise FileRefused(path, "not UTF-8 text") from None


def _read_at_most(fd: int, size: int) -> bytes:
    chunks: list[bytes] = []
    while size > 0:
        chunk = os.read(fd, min(size, 65536))
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def open_problem(exc: OSError) -> str:
    """Why ``open`` failed, in the technician's words."""
    return {
        errno.ENOENT: "file not found",
        errno.EACCES: "file not readable (permission denied)",
        errno.ELOOP: "a symbolic link loop",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
    }.get(exc.errno or 0, f"cannot open ({exc.strerror})")


def copy_hashed(source: Path, target: Path, chunk: int = 1024 * 1024) -> tuple[int, str]:
    """Copy ``source`` to ``target`` and fsync it, hashing on the way: (size, sha256 hex).

    One pass over a bundle of hundreds of MiB (a USB stick on the kiosk, a publish on the gateway)
    rather than a copy and then a second read to check it."""
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as src, target.open("wb") as dst:
        while block := src.read(chunk):
            digest.update(block)
            dst.write(block)
            size += len(block)
        dst.flush()
        os.fsync(dst.fileno())
    return size, digest.hexdigest()
