"""Trust-store updates for the chip reader through the gateway, like the catalogue: fetched by ETag,
installed only when the gateway's receipt key signed them and every file loads, by rename; a
refused update leaves the old store and is not fetched again."""

from __future__ import annotations

import base64
import dataclasses

import nacl.signing
import requests
from cryptography.hazmat.primitives import serialization

from appliance.crypto import DeviceKey
from hw.emrtd import issuer
from hw.emrtd.truststore import TrustStore


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _publish(sim, files: dict[str, bytes]) -> str:
    answer = requests.put(f"{sim.url}/admin/truststore", headers=sim.admin_headers(), timeout=10,
                          json={"files": {k: _b64(v) for k, v in files.items()}})
    answer.raise_for_status()
    return answer.json()["etag"]


def _with_reader(config):
    return dataclasses.replace(config, hardware=dataclasses.replace(config.hardware,
                                                                    card_reader="sim"))


def _material():
    csca = issuer.make_csca()
    signer = issuer.make_signer(csca)
    pem = csca.cert.public_bytes(serialization.Encoding.PEM)
    crl = issuer.make_crl(csca, [signer.cert.serial_number]).public_bytes(
        serialization.Encoding.DER)
    return pem, crl


def test_a_signed_update_is_installed_once(sim, kiosk_config, new_daemon):
    config = _with_reader(kiosk_config)
    pem, crl = _material()
    etag = _publish(sim, {"vn-csca.pem": pem, "vn.crl": crl})
    daemon = new_daemon(config)
    daemon.pull_trust_store()
    store = TrustStore.load(config.trust_store_dir)
    assert len(store.cscas) == 1 and len(store.crls) == 1
    assert daemon.store.sync_state()["trust_store_etag"] == etag
    daemon.pull_trust_store()  # unchanged: 304, nothing rewritten
    assert sorted(p.name for p in config.trust_store_dir.iterdir()) == ["vn-csca.pem",
                                                                          "vn.crl"]


def test_a_broken_update_leaves_the_old_store_and_is_remembered(sim, kiosk_config, new_daemon):
    config = _with_reader(kiosk_config)
    pem, _ = _material()
    _publish(sim, {"vn-csca.pem": pem})
    daemon = new_daemon(config)
    daemon.pull_trust_store()
    bad = _publish(sim, {"vn-csca.pem": pem, "other.crl": b"not a CRL"})
    daemon.pull_trust_store()
    assert [p.name for p in config.trust_store_dir.iterdir()] == ["vn-csca.pem"]
    assert daemon.store.sync_state()["trust_store_rejected_etag"] == bad
    for files in ({"../escape.pem": pem}, {}):  # a path, and an update with no CSCA
        _publish(sim, files)
        daemon.pull_trust_store()
        assert [p.name for p in config.trust_store_dir.iterdir()] == ["vn-csca.pem"]
    assert not (config.trust_store_dir.parent / "escape.pem").exists()


def test_an_update_not_signed_by_the_pinned_key_is_refused(sim, kiosk_config, new_daemon):
    other = DeviceKey(nacl.signing.SigningKey.generate()).public_key_b64
    config = _with_reader(kiosk_config)
    config = dataclasses.replace(config, gateway=dataclasses.replace(
        config.gateway, receipt_public_key=other))
    _publish(sim, {"vn-csca.pem": _material()[0]})
    daemon = new_daemon(config)
    daemon.pull_trust_store()
    assert not config.trust_store_dir.exists()
    assert daemon.store.sync_state()["trust_store_rejected_etag"]


def test_a_kiosk_without_a_reader_does_not_fetch_it(sim, kiosk_config, new_daemon):
    _publish(sim, {"vn-csca.pem": _material()[0]})
    daemon = new_daemon(kiosk_config)
    assert daemon.install_trust_store is None
    daemon.pull_trust_store()
    assert not kiosk_config.trust_store_dir.exists()
