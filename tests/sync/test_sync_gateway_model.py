"""Stateful property test of the gateway's idempotency rules (docs/gateway-api.yaml), against the
real ``Gateway`` with real sealed dossiers: any order and repetition of manifest and file uploads,
and competing versions of a dossier, must give one dossier per id, a receipt exactly when every
file is in, one MaHoSo per dossier, and 409 for another digest under a held id."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from appliance.app.seeding import seed
from appliance.crypto import DeviceKey, PortalKey, canonical_json, sha256_hex
from appliance.store import Store
from sync.portal_sim.gateway import Gateway
from sync.portal_sim.verify import ApiError

DOSSIERS = 3


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Three sealed dossiers of two pages, plus a second version of each (another digest)."""
    root = tmp_path_factory.mktemp("corpus")
    portal = PortalKey.load_or_create(root / "portal.key")
    seeded = seed(root / "kiosk", portal.public_key_b64, DOSSIERS, pages=2, page_size=2_000)
    device = DeviceKey.load_or_create(root / "kiosk" / "secrets" / "device.key")
    with Store.open(root / "kiosk") as store:
        dossiers = []
        for rec in seeded:
            envelope = store.envelope(rec.id)
            manifest = {**json.loads(envelope)["manifest"], "due_at": "20991231170000"}
            signed = canonical_json(manifest)
            other = canonical_json({"manifest": manifest, "signature": device.sign(signed),
                                    "digest": sha256_hex(signed)})
            files = {f.sha256: store.read_blob(f.sha256) for f in store.files(rec.id)}
            dossiers.append({"id": rec.id, "versions": (envelope, other),
                             "digests": (json.loads(envelope)["digest"], sha256_hex(signed)),
                             "files": files})
    return {"key": root / "portal.key", "dossiers": dossiers, "device": device.public_key_b64}


@pytest.fixture(scope="module")
def machine(corpus: dict):
    class GatewayModel(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.dir = Path(tempfile.mkdtemp(prefix="gw-model-"))
            shutil.copy(corpus["key"], self.dir / "portal.key")
            self.gw = Gateway(self.dir)
            creds = self.dir / "creds.json"
            self.gw.ensure_client("K01", creds)
            code = self.gw.enrolment.issue("K01")["enrolment_code"]
            self.gw.enrolment.enrol("K01", {"device_public_key": corpus["device"],
                                            "enrolment_code": code})
            self.held: dict[int, int] = {}  # dossier index → version held
            self.received: dict[int, set[str]] = {}
            self.conflicts = 0

        def teardown(self) -> None:
            self.gw.close()
            shutil.rmtree(self.dir, ignore_errors=True)

        @rule(i=st.integers(0, DOSSIERS - 1), version=st.sampled_from([0, 0, 0, 1]))
        def put_manifest(self, i: int, version: int) -> None:
            d = corpus["dossiers"][i]
            try:
                status, answer = self.gw.put_manifest("K01", d["id"], d["versions"][version])
            except ApiError as err:
                assert err.status == 409 and i in self.held and self.held[i] != version
                assert err.extra["held_digest"] == d["digests"][self.held[i]]
                self.conflicts += 1
                return
            if i in self.held:
                assert status == 200 and answer["replay"] and self.held[i] == version
            else:
                assert status == 201 and not answer["replay"]
                self.held[i] = version
                self.received[i] = set()
            assert set(answer["missing"]) == set(d["files"]) - self.received[i]

        @rule(i=st.integers(0, DOSSIERS - 1), j=st.integers(0, 1))
        def put_file(self, i: int, j: int) -> None:
            d = corpus["dossiers"][i]
            sha = sorted(d["files"])[j]
            try:
                status, answer = self.gw.put_file("K01", d["id"], sha, d["files"][sha])
            except ApiError as err:
                assert err.status == 404 and i not in self.held
                return
            assert status == (200 if sha in self.received[i] else 201)
            self.received[i].add(sha)
            complete = self.received[i] == set(d["files"])
            assert (answer["receipt"] is not None) == complete
            if complete:
                receipt = answer["receipt"]
                assert receipt["dossier_id"] == d["id"]
                assert receipt["digest"] == d["digests"][self.held[i]]
                assert set(receipt["files"]) == set(d["files"])

        @invariant()
        def one_dossier_per_id_and_one_code_each(self) -> None:
            rows = self.gw.admin_dossiers()
            assert sorted(r["dossier_id"] for r in rows) == sorted(
                corpus["dossiers"][i]["id"] for i in self.held)
            complete = [r for r in rows if r["complete"]]
            assert len(complete) == sum(
                self.received[i] == set(corpus["dossiers"][i]["files"]) for i in self.held)
            codes = [r["MaHoSo"] for r in complete]
            assert len(set(codes)) == len(codes) and all(codes)
            assert self.gw.stats({}, 0)["conflicts"] == self.conflicts

    return GatewayModel


def test_gateway_idempotency_model(machine):
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(machine, settings=settings(max_examples=25,
                                                         stateful_step_count=20, deadline=None))
