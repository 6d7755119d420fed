"""The one next step of an update, from its persisted state and the facts of the moment.

The sync daemon (download, install, reboot) and the boot-time health service (check, commit,
roll back) ask ``next_action`` and carry the answer out; each step persists its new state before
the next one, so a power cut between any two steps resumes from the last persisted state.
"""

from __future__ import annotations

from enum import StrEnum

from appliance.update.machine import Phase, UpdateState
from appliance.update.policy import Facts, failed_checks, may_download, may_install, may_reboot


class Action(StrEnum):
    NOTHING = "nothing"
    WAIT = "wait"
    """Something is to do but not now (session, queued dossiers, not the quiet time)."""
    DOWNLOAD = "download"
    INSTALL = "install"
    REBOOT = "reboot"
    HEALTH_CHECK = "health_check"
    COMMIT = "commit"
    ROLL_BACK = "roll_back"


def next_action(state: UpdateState, facts: Facts) -> Action:
    phase = state.phase
    if phase in (Phase.ANNOUNCED, Phase.DOWNLOADING):
        return Action.DOWNLOAD if may_download(facts) else Action.WAIT
    if phase is Phase.DOWNLOADED:
        return Action.INSTALL if may_install(facts) else Action.WAIT
    if phase is Phase.INSTALLED:
        return Action.REBOOT if may_reboot(facts) else Action.WAIT
    if phase is Phase.TRYING:
        return _trial(state, facts)
    return Action.WAIT if phase is Phase.INSTALLING else Action.NOTHING


def _trial(state: UpdateState, facts: Facts) -> Action:
    """A trial that failed its check goes back at once: the old slot is known good."""
    if state.reason is not None:
        return Action.ROLL_BACK
    if facts.health is None:
        return Action.HEALTH_CHECK
    return Action.ROLL_BACK if failed_checks(facts.health) else Action.COMMIT
