"""A synthetic person's chip ID card matching a QR, for ``kiosk demo``, the screenshots and the
tests: the virtual CCCD of ``hw.emrtd.simcard`` signed by a demo issuing authority whose CSCA is
installed in the kiosk's trust store, so the card verifies like a real one. Never a real person.

The authority is kept under ``<sim_dir>/chip`` (keys in PEM), so the demo's trust store and the
cards its tray puts down agree across restarts.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from appliance.domain.identity import Identity
from hw.cardreader.sim import SimCardReader
from hw.emrtd import issuer
from hw.emrtd.simcard import SimCard, virtual_cccd

DEMO_CSCA_FILE = "demo-csca.pem"


def _load(folder: Path, name: str) -> issuer.Authority | None:
    cert, key = folder / f"{name}.crt", folder / f"{name}.key"
    if not (cert.is_file() and key.is_file()):
        return None
    private = serialization.load_pem_private_key(key.read_bytes(), None)
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    return issuer.Authority(x509.load_pem_x509_certificate(cert.read_bytes()), private)


def _save(folder: Path, name: str, authority: issuer.Authority) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.crt").write_bytes(authority.cert.public_bytes(serialization.Encoding.PEM))
    key = folder / f"{name}.key"
    key.write_bytes(authority.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    key.chmod(0o600)


def demo_signer(sim_dir: Path, trust_store: Path) -> issuer.Authority:
    """The demo document signer (made once), its CSCA installed in ``trust_store``."""
    folder = sim_dir / "chip"
    csca, signer = _load(folder, "csca"), _load(folder, "ds")
    if csca is None or signer is None:
        csca = issuer.make_csca("CSCA Demo VN")
        signer = issuer.make_signer(csca, "DS Demo VN")
        _save(folder, "csca", csca)
        _save(folder, "ds", signer)
    trust_store.mkdir(parents=True, exist_ok=True)
    installed = trust_store / DEMO_CSCA_FILE
    if not installed.is_file():
        installed.write_bytes(csca.cert.public_bytes(serialization.Encoding.PEM))
    return signer


def dg13_fields(person: Identity) -> dict[int, tuple[str, ...]]:
    """DG13 as the card would hold it for ``person`` (dates dd/mm/yyyy)."""
    fields: dict[int, tuple[str, ...]] = {
        1: (person.id_number,), 2: (person.full_name,), 3: (person.birth_text,),
        4: (person.sex or "",), 5: ("Việt Nam",), 6: ("Kinh",), 7: ("Không",),
        8: (person.address,), 9: (person.address,), 10: ("",),
        11: (f"{person.issue_date:%d/%m/%Y}" if person.issue_date else "",), 12: ("",),
    }
    if person.old_id_number:
        fields[15] = (person.old_id_number,)
    return fields


def chip_card(person: Identity, signer: issuer.Authority, *, face: bytes | None = None,
              active: bool = True, chip_auth: bool = False) -> SimCard:
    """A virtual CCCD for ``person`` signed by ``signer``: with an active-authentication key
    (DG15) unless ``active`` is False, with a chip-authentication key (DG14) if ``chip_auth``."""
    birth = person.birth_date.strftime("%y%m%d") if person.birth_date else "000101"
    return virtual_cccd(
        signer, dg13_fields(person), birth=birth, expiry="991231",
        sex={"Nam": "M", "Nữ": "F"}.get(person.sex or "", "<"), names="CONG<<DAN<MAU",
        aa_key=ec.generate_private_key(ec.SECP256R1()) if active else None, face=face,
        ca_key=secrets.randbelow(2**200) + 1 if chip_auth else None)


def put_demo_card(reader: object, person: Identity, sim_dir: Path, trust_store: Path) -> None:
    """Put ``person``'s card on the simulated reader (the demo tray's "put the card on the
    reader"); refused for a real reader."""
    if not hasattr(reader, "put"):
        raise RuntimeError("only the simulated card reader takes a demo card")
    reader.put(chip_card(person, demo_signer(sim_dir, trust_store)))


def lift_demo_card(reader: object) -> None:
    if hasattr(reader, "lift"):
        reader.lift()


def sim_reader() -> SimCardReader:
    """An empty simulated reader (the screenshot tour's card screen on a kiosk without one)."""
    return SimCardReader()
