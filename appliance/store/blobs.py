"""Content-addressed blob files with the fsync discipline of DESIGN §4.

A blob is written to a temp file, fsynced, renamed to its sha256 and its directory fsynced, all
before the database row that references it is committed. So after a power cut a committed row
always finds its file; the reverse (a file without a row) is what start-up reconciliation reports.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from appliance.durable import fsync_dir


class BlobError(Exception):
    """A blob is missing, or its content no longer matches its name."""


class BlobStore:
    def __init__(self, root: Path, tmp: Path) -> None:
        self.root = root
        self.tmp = tmp
        root.mkdir(parents=True, exist_ok=True)
        tmp.mkdir(parents=True, exist_ok=True)
        self._ensure_shards()

    def _ensure_shards(self) -> None:
        """Create the 256 shard folders once, so no finalize pays for a new directory entry.

        The UI and the sync daemon may both open a fresh data folder at the same moment (first
        boot, ``kiosk demo``): another process may create a shard between our check and ours."""
        created = False
        for i in range(256):
            shard = self.root / f"{i:02x}"
            if not shard.is_dir():
                shard.mkdir(exist_ok=True)
                created = True
        if created:
            fsync_dir(self.root)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def write(self, data: bytes, sha256: str | None = None) -> str:
        """Store ``data`` durably and return its sha256 (hex; pass it when already computed)."""
        sha = sha256 or hashlib.sha256(data).hexdigest()
        final = self.path(sha)
        if final.exists():
            return sha
        shard = final.parent
        tmp = self.tmp / f"{sha}.{uuid.uuid4().hex}.part"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, final)
        fsync_dir(shard)
        return sha

    def read(self, sha256: str) -> bytes:
        """The blob's bytes, verified against its name."""
        try:
            data = self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise BlobError(f"blob {sha256[:12]}… is missing") from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise BlobError(f"blob {sha256[:12]}… does not match its digest")
        return data

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def delete(self, sha256: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path(sha256).unlink()

    def all_names(self) -> Iterator[str]:
        for shard in self.root.iterdir():
            if shard.is_dir():
                for f in shard.iterdir():
                    yield f.name

    def stale_temp_files(self) -> list[Path]:
        return list(self.tmp.iterdir())
