"""Hypothesis drives a real store through random lifecycle operations and checks it against a
model: states follow TRANSITIONS, nothing is lost, blobs exist exactly while a dossier is not
purged, the queue is in finalize order."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from appliance.clock import VN_TZ, Clock
from appliance.crypto import DeviceKey, PortalKey
from appliance.domain.dossier import TRANSITIONS, DossierState, IllegalTransition
from appliance.store import Store
from appliance.submission import finalize
from tests.store.conftest import make_context, make_draft

OPERATIONS = ("sending", "retry", "sent", "purge", "quarantine", "restore")
TARGET = {
    "sending": DossierState.SENDING,
    "retry": DossierState.QUEUED,
    "sent": DossierState.SENT,
    "purge": DossierState.PURGED,
    "quarantine": DossierState.QUARANTINED,
    "restore": DossierState.QUEUED,
}


class StoreLifecycle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="kiosk-sm-"))
        self.store = Store.open(self.root / "data", reserve_mb=0, clock=Clock("host"))
        device = DeviceKey.load_or_create(self.root / "device.key")
        self.ctx = make_context(PortalKey.generate(), device)
        self.rng = random.Random(0)
        self.model: dict[str, DossierState] = {}
        self.order: list[str] = []

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.root, ignore_errors=True)

    @rule()
    def finalize_one(self) -> None:
        result = finalize(self.store, make_draft(self.rng, pages=2, page_size=300), self.ctx)
        self.model[result.id] = DossierState.QUEUED
        self.order.append(result.id)

    @precondition(lambda self: self.model)
    @rule(index=st.integers(min_value=0), operation=st.sampled_from(OPERATIONS))
    def operate(self, index: int, operation: str) -> None:
        dossier_id = self.order[index % len(self.order)]
        current = self.model[dossier_id]
        target = TARGET[operation]
        now = dt.datetime.now(VN_TZ)
        legal = target in TRANSITIONS[current]
        if operation == "retry" and current != DossierState.SENDING:
            legal = False  # a retry is only ever recorded after an attempt
        if operation == "restore" and current != DossierState.QUARANTINED:
            legal = False  # staff restore only what is quarantined
        action = {
            "sending": lambda: self.store.mark_sending(dossier_id),
            "retry": lambda: self.store.mark_retry(dossier_id, "timeout", now),
            "sent": lambda: self.store.mark_sent(dossier_id, "G", now, {}),
            "purge": lambda: self._confirm_and_purge(dossier_id),
            "quarantine": lambda: self.store.quarantine(dossier_id, "422 test"),
            "restore": lambda: self.store.restore(dossier_id),
        }[operation]
        if legal:
            action()
            self.model[dossier_id] = target
        else:
            try:
                action()
            except IllegalTransition:
                pass
            else:
                raise AssertionError(f"{operation} from {current} was accepted")

    def _confirm_and_purge(self, dossier_id: str) -> None:
        files = [f.sha256 for f in self.store.files(dossier_id)]
        self.store.mark_files_confirmed(dossier_id, files)
        self.store.purge(dossier_id)

    @invariant()
    def store_matches_model(self) -> None:
        records = {r.id: r for r in self.store.all_dossiers()}
        assert {i: r.state for i, r in records.items()} == self.model
        pending = [
            r.id
            for r in self.store.pending(limit=10_000, now=dt.datetime.max.replace(tzinfo=VN_TZ))
        ]
        assert pending == [i for i in self.order if self.model[i] in ("queued", "sending")]
        for dossier_id, state in self.model.items():
            present = [self.store.blobs.exists(f.sha256) for f in self.store.files(dossier_id)]
            assert all(not p for p in present) if state == "purged" else all(present)


TestStoreLifecycle = StoreLifecycle.TestCase
TestStoreLifecycle.settings = settings(max_examples=12, stateful_step_count=20, deadline=None)
