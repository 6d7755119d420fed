"""The kiosk's trust store: CSCA certificates and their CRLs in one folder.

Files: ``*.pem``, ``*.crt``, ``*.cer``, ``*.der`` (certificates; a PEM may hold several),
``*.ml`` (CSCA master lists, :mod:`~hw.emrtd.masterlist`: only the wanted countries' CSCAs are
kept) and ``*.crl`` (PEM or DER). A CRL is accepted only if a CSCA in
the store signed it; any file that does not load is refused with ``chip.trust_store.invalid``, so a
broken update is noticed when installed, not when a citizen is at the kiosk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

from hw.emrtd.errors import ChipError, TrustStoreError
from hw.emrtd.masterlist import read_master_list

CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")


def _certificates(path: Path) -> list[x509.Certificate]:
    raw = path.read_bytes()
    try:
        if b"-----BEGIN" in raw:
            return x509.load_pem_x509_certificates(raw)
        return [x509.load_der_x509_certificate(raw)]
    except (ValueError, x509.InvalidVersion):
        raise TrustStoreError(f"{path.name} is not a certificate") from None


def _master_list(path: Path, countries: tuple[str, ...]) -> list[x509.Certificate]:
    try:
        return read_master_list(path.read_bytes(), countries)
    except ChipError as exc:
        raise TrustStoreError(f"{path.name}: {exc.reason_en}") from None


def _crl(path: Path) -> x509.CertificateRevocationList:
    raw = path.read_bytes()
    try:
        if b"-----BEGIN" in raw:
            return x509.load_pem_x509_crl(raw)
        return x509.load_der_x509_crl(raw)
    except ValueError:
        raise TrustStoreError(f"{path.name} is not a CRL") from None


@dataclass
class TrustStore:
    cscas: list[x509.Certificate] = field(default_factory=list)
    crls: list[x509.CertificateRevocationList] = field(default_factory=list)

    @classmethod
    def load(cls, folder: Path, countries: tuple[str, ...] = ("VN",)) -> TrustStore:
        """Every certificate file, the ``countries``' CSCAs of every master list, every CRL."""
        if not folder.is_dir():
            raise TrustStoreError(f"{folder} is not a folder")
        files = sorted(p for p in folder.iterdir() if p.is_file())
        certs = [p for p in files if p.suffix.lower() in CERT_SUFFIXES]
        store = cls([cert for path in certs for cert in _certificates(path)])
        for path in files:
            if path.suffix.lower() == ".ml":
                store.cscas += _master_list(path, countries)
        for path in files:
            if path.suffix.lower() == ".crl":
                store.add_crl(_crl(path), path.name)
        return store

    def add_crl(self, crl: x509.CertificateRevocationList, name: str = "CRL") -> None:
        signer = next((c for c in self.cscas if c.subject == crl.issuer), None)
        try:
            valid = signer is not None and crl.is_signature_valid(signer.public_key())  # type: ignore[arg-type]
        except (ValueError, TypeError, UnsupportedAlgorithm):
            valid = False
        if not valid:
            raise TrustStoreError(f"{name} is not signed by a CSCA of the store")
        self.crls.append(crl)

    def issuer_of(self, cert: x509.Certificate) -> x509.Certificate | None:
        """The CSCA whose key signed ``cert`` (name and signature both checked)."""
        for csca in self.cscas:
            try:
                cert.verify_directly_issued_by(csca)
            except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
                continue
            return csca
        return None

    def revoked(self, csca: x509.Certificate, serial: int) -> bool | None:
        """True if revoked, False if a CRL of ``csca`` says not, None if no CRL is held."""
        lists = [crl for crl in self.crls if crl.issuer == csca.subject]
        if not lists:
            return None
        return any(crl.get_revoked_certificate_by_serial_number(serial) for crl in lists)
