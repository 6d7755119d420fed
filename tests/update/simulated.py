"""A simulated kiosk for the update tests: a card (boot record, two root slots, a data partition)
driven only by ``appliance.update``'s decisions. Every step persists its state the way the real
daemon does, so a ``power_cut`` between any two steps is exactly what the card would see."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass, field

from appliance.update.machine import Offer, Phase, UpdateState
from appliance.update.plan import Action, next_action
from appliance.update.policy import HEALTH_CHECKS, Facts
from appliance.update.slots import BootMethod, BootRecord, Slot, other

CHUNK = 3
MAX_RESETS = 10


@dataclass(frozen=True)
class Build:
    """A version as the test publishes it: does its system pass the check, does it even boot."""

    version: str
    healthy: bool = True
    boots: bool = True
    corrupt: bool = False
    """The bytes served differ from the announced digest (a changed byte on the way)."""

    @property
    def content(self) -> bytes:
        return f"bundle {self.version}".encode()

    @property
    def offer(self) -> Offer:
        digest = hashlib.sha256(self.content).hexdigest()
        return Offer(self.version, len(self.content), digest, f"/bundles/{self.version}")

    @property
    def served(self) -> bytes:
        return self.content[:-1] + b"X" if self.corrupt else self.content


@dataclass
class Kiosk:
    method: BootMethod
    record: BootRecord = field(init=False)
    slots: dict[Slot, str | None] = field(default_factory=lambda: {"A": "1", "B": None})
    builds: dict[str, Build] = field(default_factory=lambda: {"1": Build("1")})
    data: dict[str, object] = field(default_factory=dict)
    """The data partition: ``dossiers`` (the store), ``update`` (state JSON), ``bundle`` bytes."""
    running: Slot = "A"
    facts: Facts = field(default_factory=Facts)
    installed_versions: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.record = BootRecord(self.method)
        self.data.update(dossiers=frozenset(), update=UpdateState(running="1").to_json(),
                         bundle=b"")

    # --- persistence
    @property
    def state(self) -> UpdateState:
        return UpdateState.from_json(str(self.data["update"]))

    def persist(self, state: UpdateState) -> None:
        self.data["update"] = state.to_json()

    @property
    def version(self) -> str:
        version = self.slots[self.running]
        assert version is not None, "running a half-written slot"
        return version

    # --- the outside world
    def publish(self, build: Build) -> None:
        self.builds[build.version] = build
        self.persist(self.state.announce(build.offer))

    def queue_dossier(self, dossier_id: str) -> None:
        self.data["dossiers"] = frozenset({*self.data["dossiers"], dossier_id})  # type: ignore[misc]
        self.facts = dataclasses.replace(self.facts,
                                         pending_dossiers=self.facts.pending_dossiers + 1)

    def deliver(self) -> None:
        self.facts = dataclasses.replace(self.facts, pending_dossiers=0)

    def at(self, hour: int, *, session: bool = False, force: bool = False) -> None:
        self.facts = dataclasses.replace(self.facts, local_time=dt.time(hour),
                                         session_active=session, force_reboot=force)

    # --- booting
    def power_cut(self) -> None:
        self.record = self.record.power_loss()
        self.data["bundle"] = self.data["bundle"]  # the data partition is journaled ext4
        self.boot()

    def boot(self) -> None:
        for _ in range(MAX_RESETS):
            self.running, self.record = self.record.boot()
            if self.builds[self.version].boots:
                break  # otherwise the hardware watchdog resets the board
        else:
            raise AssertionError("the kiosk never came up")
        self.persist(self.state.booted(self.version))
        self.facts = dataclasses.replace(self.facts, health=None)

    # --- one step of the plan
    def step(self) -> Action:
        action = next_action(self.state, self.facts)
        getattr(self, f"_do_{action.value}", lambda: None)()
        return action

    def _do_download(self) -> None:
        state = self.state
        assert state.offer is not None
        offer = state.offer
        have = bytes(self.data["bundle"]) if state.phase is Phase.DOWNLOADING else b""  # type: ignore[call-overload]
        have += self.builds[offer.version].served[len(have):][:CHUNK]  # resumes where it was
        self.data["bundle"] = have
        state = state.downloading(len(have))
        if len(have) == offer.size:
            state = state.downloaded(hashlib.sha256(have).hexdigest())
        self.persist(state)

    def _do_install(self) -> None:
        self.persist(self.state.installing())
        self.slots[other(self.running)] = None  # RAUC starts writing the inactive slot

    def finish_install(self) -> None:
        state = self.state
        assert state.phase is Phase.INSTALLING and state.offer is not None
        self.slots[other(self.running)] = state.offer.version
        self.installed_versions.append(state.offer.version)
        self.persist(state.installed())

    def _do_reboot(self) -> None:
        self.record = self.record.arm()  # tryboot: `reboot "0 tryboot"`; counter: the slot file
        self.persist(self.state.rebooting())
        self.boot()

    def _do_health_check(self) -> None:
        healthy = self.builds[self.version].healthy
        self.facts = dataclasses.replace(
            self.facts, health={name: healthy or name != "ui_first_frame"
                                for name in HEALTH_CHECKS})

    def _do_commit(self) -> None:
        self.record = self.record.commit(self.running)
        self.persist(self.state.healthy())

    def _do_roll_back(self) -> None:
        self.persist(self.state.unhealthy("ui_first_frame"))
        self.record = self.record.disarm()
        self.boot()

    def settle(self, limit: int = 60) -> None:
        """Run steps until nothing is left to do now (installs finish at once)."""
        for _ in range(limit):
            if self.state.phase is Phase.INSTALLING:
                self.finish_install()
                continue
            if self.step() in (Action.NOTHING, Action.WAIT):
                return
        raise AssertionError("the update never settled")
