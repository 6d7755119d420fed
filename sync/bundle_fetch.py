"""Fetching an announced update bundle: the feed, then a resumable, throttled download.

The bundle goes into the data partition's download folder as ``<version>.raucb.part`` and is
renamed ``<version>.raucb`` only once its SHA-256 is the announced one; a bad digest deletes it.
The file's length is the resume offset (``Range: bytes=N-``), so a cut connection, a daemon restart
or a power cut continues where the bytes stopped. Between chunks the download yields: it stops at
once when ``may_continue`` says a dossier waits or a citizen started a session (dossiers always go
first), and it never averages more than ``rate_bps``.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests
import urllib3.exceptions

from appliance.update.machine import Offer, UpdateError, UpdateState
from appliance.update.policy import Rollout
from sync.client import GatewayClient, Stopping
from sync.errors import BadAnswer, Transient, classify_exception, classify_response

CHUNK = 64 * 1024
URL_PREFIX = "/api/v1/bundles/"
FEED_CAP = 256 * 1024
"""The feed answer: one announcement and perhaps a long kiosk list."""


@dataclass(frozen=True)
class Announcement:
    offer: Offer
    rollout: Rollout


def read_feed(client: GatewayClient) -> Announcement | None:
    """The latest rolled-out bundle, or None; a malformed entry is a BadAnswer."""
    _, body = client.call("GET", f"/api/v1/kiosks/{client.kiosk_id}/bundle", ok=(200,),
                          cap=FEED_CAP)
    entry = body.get("bundle")
    if entry is None:
        return None
    try:
        offer = Offer.from_feed(entry)
        rollout = entry.get("rollout") or {}
        kiosks = rollout.get("kiosks") or []
        if not offer.url.startswith(URL_PREFIX) or not isinstance(kiosks, list):
            raise ValueError("bundle URL outside the gateway's bundle path, or bad kiosk list")
        return Announcement(offer, Rollout(float(rollout.get("percent") or 0),
                                           frozenset(str(k) for k in kiosks)))
    except (UpdateError, ValueError, TypeError, AttributeError) as exc:
        raise BadAnswer(f"bundle announcement refused: {exc}") from None


class Throttle:
    """Keeps the average rate at or under ``rate_bps`` by sleeping after chunks."""

    def __init__(self, rate_bps: float, sleep: Callable[[float], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate_bps = rate_bps
        self.sleep = sleep
        self.clock = clock
        self.started = clock()
        self.moved = 0

    def account(self, n: int) -> None:
        self.moved += n
        if self.rate_bps <= 0:
            return
        ahead = self.moved / self.rate_bps - (self.clock() - self.started)
        if ahead > 0:
            self.sleep(ahead)


class Downloader:
    def __init__(self, client: GatewayClient, directory: Path, *, rate_bps: float,
                 may_continue: Callable[[], bool], sleep: Callable[[float], None]) -> None:
        self.client = client
        self.directory = directory
        self.rate_bps = rate_bps
        self.may_continue = may_continue
        self.sleep = sleep

    def part(self, offer: Offer) -> Path:
        return self.directory / f"{offer.version}.raucb.part"

    def bundle(self, offer: Offer) -> Path:
        return self.directory / f"{offer.version}.raucb"

    def fetch(self, state: UpdateState) -> UpdateState:
        """Continue the download of ``state.offer``; the new state (downloading or done).

        A transfer error leaves the bytes so far on disk and is raised (SyncError); the caller
        persists nothing then: the file's length is the truth."""
        offer = state.offer
        assert offer is not None
        self.directory.mkdir(parents=True, exist_ok=True)
        self._drop_others(offer)
        part = self.part(offer)
        have = part.stat().st_size if part.exists() else 0
        if have > offer.size:
            part.unlink()
            have = 0
        if have < offer.size:
            have = self._stream(offer, part, have)
        state = state.downloading(have)
        if have < offer.size:
            return state
        digest = _sha256(part)
        if digest == offer.sha256:
            part.replace(self.bundle(offer))
        else:
            part.unlink()
        return state.downloaded(digest)

    def _drop_others(self, offer: Offer) -> None:
        """Only one bundle is ever kept: a superseded one would fill the data partition."""
        keep = {self.part(offer).name, self.bundle(offer).name}
        for path in self.directory.iterdir():
            if path.name not in keep:
                path.unlink()

    def _stream(self, offer: Offer, part: Path, have: int) -> int:
        headers = {"Authorization": f"Bearer {self.client.token()}"}
        if have:
            headers["Range"] = f"bytes={have}-"
        throttle = Throttle(self.rate_bps, self.sleep)
        try:
            with self.client.session.get(self.client.base_url + offer.url, headers=headers,
                                         stream=True, timeout=self.client.timeout,
                                         allow_redirects=False) as response:
                have = self._check_start(response, part, have)
                with part.open("ab") as out:
                    try:
                        for block in response.iter_content(CHUNK):
                            out.write(block)
                            have += len(block)
                            if have > offer.size:
                                raise BadAnswer("the gateway sent more than the announced size")
                            throttle.account(len(block))
                            if self.client.stopping:
                                raise Stopping()
                            if not self.may_continue():
                                break
                    finally:
                        out.flush()
                        os.fsync(out.fileno())
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise classify_exception(exc) from None
        return have

    @staticmethod
    def _check_start(response: requests.Response, part: Path, have: int) -> int:
        """Where the answer starts: our offset (206), or 0 when the range was ignored (200)."""
        if response.status_code == 200:
            part.unlink(missing_ok=True)
            return 0
        if response.status_code != 206:
            raise classify_response(response, per_record=False)
        content_range = response.headers.get("Content-Range", "")
        if not content_range.startswith(f"bytes {have}-"):
            raise Transient(f"answer starts elsewhere than byte {have}: {content_range!r}",
                            code="bad_range")
        return have


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


__all__ = ["Announcement", "Downloader", "Throttle", "read_feed"]
