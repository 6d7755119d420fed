"""The update life cycle and its plan, on a simulated card (tests/update/simulated.py).

The state machine test cuts power between any two steps, in both boot methods, and checks after
every step: the committed slot holds a complete, healthy system; the kiosk runs a complete slot;
the dossiers on the data partition are exactly those queued.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from appliance.update.machine import Offer, Phase, UpdateError, UpdateState
from appliance.update.plan import Action, next_action
from appliance.update.policy import Facts
from appliance.update.slots import BootMethod
from tests.update.simulated import Build, Kiosk

METHODS = list(BootMethod)


@pytest.mark.parametrize("method", METHODS)
def test_a_good_update_ends_on_the_new_version_committed(method: BootMethod) -> None:
    kiosk = Kiosk(method)
    kiosk.publish(Build("2"))
    kiosk.at(23)
    kiosk.settle()
    assert (kiosk.state.phase, kiosk.version, kiosk.state.previous) == (Phase.GOOD, "2", "1")
    assert kiosk.record.committed == "B" and kiosk.record.trial is None
    kiosk.power_cut()
    assert kiosk.version == "2"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("build", [Build("2", healthy=False), Build("2", boots=False)])
def test_a_failing_system_goes_back_by_itself_and_is_not_fetched_again(
        method: BootMethod, build: Build) -> None:
    kiosk = Kiosk(method)
    kiosk.publish(build)
    kiosk.at(23)
    kiosk.settle()
    state = kiosk.state
    assert (state.phase, kiosk.version, state.refused) == (Phase.ROLLED_BACK, "1", "2")
    assert kiosk.record.committed == "A"
    kiosk.publish(build)
    assert kiosk.state.phase is Phase.ROLLED_BACK  # refused: not fetched again
    kiosk.publish(Build("3"))
    kiosk.settle()
    assert (kiosk.state.phase, kiosk.version) == (Phase.GOOD, "3")


def test_a_changed_byte_is_refused_before_anything_is_written() -> None:
    kiosk = Kiosk(BootMethod.TRYBOOT)
    kiosk.publish(Build("2", corrupt=True))
    kiosk.at(23)
    kiosk.settle()
    assert (kiosk.state.phase, kiosk.state.reason, kiosk.state.refused) == (
        Phase.IDLE, "bad_digest", "2")
    assert kiosk.slots == {"A": "1", "B": None} and kiosk.installed_versions == []


def test_dossiers_first_no_download_while_one_waits_or_a_citizen_is_there() -> None:
    kiosk = Kiosk(BootMethod.TRYBOOT)
    kiosk.queue_dossier("d1")
    kiosk.publish(Build("2"))
    assert kiosk.step() is Action.WAIT and kiosk.data["bundle"] == b""
    kiosk.deliver()
    kiosk.at(10, session=True)
    assert kiosk.step() is Action.WAIT and kiosk.data["bundle"] == b""
    kiosk.at(10)
    assert kiosk.step() is Action.DOWNLOAD


def test_installed_waits_for_the_quiet_time_unless_staff_force_it() -> None:
    kiosk = Kiosk(BootMethod.TRYBOOT)
    kiosk.publish(Build("2"))
    kiosk.at(10)
    kiosk.settle()
    assert (kiosk.state.phase, kiosk.version) == (Phase.INSTALLED, "1")
    kiosk.at(10, force=True)
    kiosk.settle()
    assert (kiosk.state.phase, kiosk.version) == (Phase.GOOD, "2")


def test_a_power_cut_before_the_tryboot_reboot_is_forgiven_once_then_refused() -> None:
    kiosk = Kiosk(BootMethod.TRYBOOT)
    kiosk.publish(Build("2"))
    kiosk.at(10)
    kiosk.settle()
    for _ in range(2):
        kiosk.persist(kiosk.state.rebooting())  # the reboot was asked for …
        kiosk.power_cut()  # … and the power went before the flag was used
    assert (kiosk.state.phase, kiosk.state.refused, kiosk.version) == (
        Phase.ROLLED_BACK, "2", "1")


def test_a_newer_offer_replaces_one_being_fetched_but_not_one_being_installed() -> None:
    state = UpdateState(running="1").announce(Build("2").offer).downloading(4)
    state = state.announce(Build("3").offer)
    assert (state.phase, state.offer, state.received) == (Phase.ANNOUNCED, Build("3").offer, 0)
    state = state.downloading(len(Build("3").content)).downloaded(Build("3").offer.sha256)
    state = state.installing()
    assert state.announce(Build("4").offer) == state
    assert state.withdraw() == state


def test_illegal_moves_are_refused() -> None:
    with pytest.raises(UpdateError, match="idle to installing"):
        UpdateState().installing()
    with pytest.raises(UpdateError, match="bytes of a"):
        UpdateState().announce(Build("2").offer).downloading(10_000)


@pytest.mark.parametrize("entry", [
    None, {}, {"version": "", "size": 1, "sha256": "0" * 64, "url": "/b"},
    {"version": "2", "size": 0, "sha256": "0" * 64, "url": "/b"},
    {"version": "2", "size": True, "sha256": "0" * 64, "url": "/b"},
    {"version": "2", "size": 1, "sha256": "0" * 63, "url": "/b"},
    {"version": "2", "size": 1, "sha256": "0" * 64, "url": ""},
])
def test_a_malformed_announcement_is_refused_with_a_code(entry: object) -> None:
    with pytest.raises(UpdateError) as caught:
        Offer.from_feed(entry)
    assert caught.value.code == "bad_offer"


def test_the_state_round_trips_through_json() -> None:
    state = UpdateState(running="1").announce(Build("2").offer).downloading(3)
    assert UpdateState.from_json(state.to_json()) == state


def test_nothing_to_do_when_resting() -> None:
    for phase in (Phase.IDLE, Phase.GOOD, Phase.ROLLED_BACK):
        assert next_action(UpdateState(phase=phase), Facts()) is Action.NOTHING


class PowerCuts(RuleBasedStateMachine):
    """Any interleaving of publishing, sessions, dossiers, steps and power cuts."""

    @initialize(method=st.sampled_from(METHODS))
    def start(self, method: BootMethod) -> None:
        self.kiosk = Kiosk(method)
        self.queued: set[str] = set()
        self.next_version = 2  # per example, so a replay publishes the same bundle sizes

    @rule(healthy=st.booleans(), boots=st.booleans(), corrupt=st.booleans())
    def publish(self, healthy: bool, boots: bool, corrupt: bool) -> None:
        self.kiosk.publish(Build(str(self.next_version), healthy, boots, corrupt))
        self.next_version += 1

    @rule()
    def queue(self) -> None:
        dossier = f"d{len(self.queued)}"
        self.queued.add(dossier)
        self.kiosk.queue_dossier(dossier)

    @rule()
    def deliver(self) -> None:
        self.kiosk.deliver()

    @rule(hour=st.integers(0, 23), session=st.booleans(), force=st.booleans())
    def clock(self, hour: int, session: bool, force: bool) -> None:
        self.kiosk.at(hour, session=session, force=force)

    @rule()
    def step(self) -> None:
        self.kiosk.step()

    @precondition(lambda self: self.kiosk.state.phase is Phase.INSTALLING)
    @rule()
    def finish_install(self) -> None:
        self.kiosk.finish_install()

    @rule()
    def power_cut(self) -> None:
        self.kiosk.power_cut()

    @invariant()
    def committed_slot_is_complete_and_healthy(self) -> None:
        version = self.kiosk.slots[self.kiosk.record.committed]
        assert version is not None
        build = self.kiosk.builds[version]
        assert build.healthy and build.boots and not build.corrupt

    @invariant()
    def running_a_complete_slot(self) -> None:
        assert self.kiosk.version

    @invariant()
    def data_partition_keeps_every_dossier(self) -> None:
        assert self.kiosk.data["dossiers"] == frozenset(self.queued)

    @invariant()
    def good_means_committed_and_healthy(self) -> None:
        if self.kiosk.state.phase is Phase.GOOD:
            assert self.kiosk.record.committed == self.kiosk.running
            assert self.kiosk.builds[self.kiosk.version].healthy

    @invariant()
    def broken_versions_are_never_installed(self) -> None:
        assert not any(self.kiosk.builds[v].corrupt for v in self.kiosk.installed_versions)


PowerCuts.TestCase.settings = settings(max_examples=300, stateful_step_count=40, deadline=None,
                                       suppress_health_check=[HealthCheck.too_slow])
test_power_cut_at_every_step = PowerCuts.TestCase


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("cut_in", [Phase.DOWNLOADING, Phase.INSTALLING, Phase.INSTALLED,
                                    Phase.TRYING])
def test_one_power_cut_at_any_step_still_ends_on_the_new_version(
        method: BootMethod, cut_in: Phase) -> None:
    """The acceptance's power cuts: during the download, the install, right after the switch and
    during the trial's health check; the update resumes and ends good, the dossier kept."""
    kiosk = Kiosk(method)
    kiosk.queue_dossier("d1")
    kiosk.deliver()
    kiosk.publish(Build("2"))
    kiosk.at(23)
    for _ in range(40):
        if kiosk.state.phase is cut_in:
            break
        if kiosk.state.phase is Phase.INSTALLING:
            kiosk.finish_install()
        elif cut_in is Phase.INSTALLED and kiosk.state.phase is Phase.INSTALLED:
            break
        else:
            kiosk.step()
    assert kiosk.state.phase is cut_in
    if cut_in is Phase.INSTALLED:
        kiosk.persist(kiosk.state.rebooting())  # the switch is made, the reboot not yet done
    kiosk.power_cut()
    kiosk.settle()
    assert (kiosk.state.phase, kiosk.version) == (Phase.GOOD, "2")
    assert kiosk.data["dossiers"] == frozenset({"d1"})
