"""Issue 15's acceptance, end to end: the virtual CCCD through pcscd and pyscard (vsmartcard's
virtual reader, the same code path as a real reader) → PACE → read → verified identity → a
finalized dossier → the sync daemon → the reference gateway over real HTTP on 127.0.0.1, which
decrypts the payload and reports its assurance as "chip_passive_authenticated"."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path

import requests

from appliance.app import chip, runtime, seeding
from appliance.app.chipcard import chip_card, demo_signer
from appliance.config import load_file
from appliance.domain.idcard import parse_card_qr
from appliance.domain.identity import Identity
from appliance.manifest import open_dossier, parse_envelope
from appliance.submission import finalize
from hw.cardreader.pcsc import PcscCardReader
from hw.cardreader.vicc import VirtualCard
from sync.command import build
from sync.portal_sim.server import PortalSim

SOCKET = Path("/run/pcscd/pcscd.comm")
QR = "079190001234|025123456|Trần Văn Thử|02091990|Nam|Số 12 đường Mẫu, phường Thử|15082021"


def test_virtual_card_to_gateway_with_passive_assurance(tmp_path: Path) -> None:
    assert SOCKET.exists(), "pcscd is not running: .ci/start-pcscd starts it with vpcd"
    person = parse_card_qr(QR)
    assert isinstance(person, Identity)
    with PortalSim(tmp_path / "portal") as sim:
        config = load_file(sim.write_kiosk_toml()).with_data_dir(tmp_path / "kiosk")
        signer = demo_signer(tmp_path / "authority", config.trust_store_dir)
        reader = PcscCardReader("Virtual PCD")
        placed = VirtualCard(chip_card(person, signer, active=False))  # no DG15: passive only
        try:
            assert chip.wait_for_card(reader, lambda: False, step_s=10)
            identity = chip.read_identity(reader, person, chip.ChipPolicy.of(config),
                                          dt.datetime.now(dt.UTC))
        finally:
            placed.lift()
        assert identity.source_text == "chip, verified"

        store = runtime.open_store(config)
        catalogue = runtime.current_catalogue(store)
        ctx = runtime.finalize_context(config, store, catalogue)
        procedure = catalogue.procedures[0]
        draft = seeding.draft(random.Random(1), procedure, pages=1,
                              page_source=seeding.random_pages(2_000))
        result = finalize(store, dataclasses.replace(draft, identity=identity), ctx)
        envelope = parse_envelope(store.envelope(result.id))
        assert envelope.manifest["identity_assurance"] == "chip_passive_authenticated"
        opened = open_dossier(envelope, sim.gateway.portal_key, store.read_blob)
        assert opened.payload["NguonDinhDanh"] == "chip"
        store.close()

        daemon = build(config)
        try:
            assert daemon.run_once() is True
        finally:
            daemon.client.close()
            daemon.store.close()
        listed = requests.get(f"{sim.url}/admin/dossiers", headers=sim.admin_headers(),
                              timeout=10).json()["dossiers"]
    ours = next(d for d in listed if d["dossier_code"] == result.code)
    assert ours["complete"]
    summary = ours["summary"]
    assert summary["MucDoXacThucDinhDanh"] == "chip_passive_authenticated"
    assert summary["identity_assurance"] == "chip_passive_authenticated"
    assert summary["XacThucChip"] == "chip, verified" and summary["ChuHoSo"] == "Trần Văn Thử"


def test_the_assurance_reaches_the_manifest_for_a_qr_only_dossier(tmp_path: Path) -> None:
    """The same path without a chip: the manifest says ``qr``."""
    with PortalSim(tmp_path / "portal") as sim:
        config = load_file(sim.write_kiosk_toml()).with_data_dir(tmp_path / "kiosk")
        store = runtime.open_store(config)
        catalogue = runtime.current_catalogue(store)
        ctx = runtime.finalize_context(config, store, catalogue)
        draft = seeding.draft(random.Random(2), catalogue.procedures[0], pages=1,
                              page_source=seeding.random_pages(500))
        result = finalize(store, draft, ctx)
        manifest = parse_envelope(store.envelope(result.id)).manifest
        store.close()
    assert manifest["identity_assurance"] == "qr"
