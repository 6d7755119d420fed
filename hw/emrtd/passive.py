"""Passive authentication (ICAO 9303-11 §5.1): the data read is what the issuing state signed.

Checks, each refused with its own code: every data group read has a hash in the SOD and it matches
(``chip.pa.dg_missing``, ``chip.pa.dg_hash``); the signed attributes cover the hashes
(``chip.pa.digest``); the document signer's signature verifies (``chip.pa.signature``); the
document signer certificate is within its validity (``chip.pa.ds_expired``), issued by a CSCA of
the trust store (``chip.pa.unknown_csca``) that is itself valid (``chip.pa.csca_expired``), and not
revoked by that CSCA's CRL (``chip.pa.ds_revoked``).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from hw.emrtd.errors import MalformedData, VerificationError
from hw.emrtd.sod import Sod

if TYPE_CHECKING:  # the trust store reads master lists, which use this module's checks
    from hw.emrtd.truststore import TrustStore

HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


@dataclass(frozen=True)
class PassiveResult:
    document_signer: str
    """The signer certificate's subject (an authority, never the citizen)."""
    csca: str
    hash_algorithm: str
    groups: tuple[int, ...]
    crl_checked: bool


def _hash(name: str, data: bytes) -> bytes:
    if name not in HASHES:
        raise VerificationError("algorithm", f"hash {name} is not accepted")
    digest = hashes.Hash(HASHES[name]())
    digest.update(data)
    return digest.finalize()


def check_hashes(sod: Sod, groups: dict[int, bytes]) -> None:
    for number, data in sorted(groups.items()):
        if number not in sod.hashes:
            raise VerificationError("dg_missing", f"the SOD has no hash for DG{number}")
        if not hmac.compare_digest(_hash(sod.hash_algorithm, data), sod.hashes[number]):
            raise VerificationError("dg_hash", f"DG{number} does not match its signed hash")
    check_digest(sod)


def check_digest(sod: Sod) -> None:
    """The signed attributes' messageDigest is the digest of the content."""
    if not hmac.compare_digest(_hash(sod.digest_algorithm, sod.content), sod.message_digest):
        raise VerificationError("digest", "the signed attributes do not cover the hashes")


def check_signature(sod: Sod, signer: x509.Certificate) -> None:
    try:  # cryptography parses the key only now: a malformed or exotic one fails here
        key = signer.public_key()
    except (ValueError, UnsupportedAlgorithm):
        raise VerificationError("algorithm", "the signer's public key is unusable") from None
    algorithm = HASHES.get(sod.digest_algorithm)
    if algorithm is None:
        raise VerificationError("algorithm", f"digest {sod.digest_algorithm} is not accepted")
    try:
        if sod.signature_algorithm == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(sod.signature, sod.signed_attrs, ec.ECDSA(algorithm()))
        elif sod.signature_algorithm == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPublicKey):
            key.verify(sod.signature, sod.signed_attrs, padding.PKCS1v15(), algorithm())
        elif sod.signature_algorithm == "rsassa_pss" and isinstance(key, rsa.RSAPublicKey):
            pss = padding.PSS(mgf=padding.MGF1(algorithm()), salt_length=sod.pss_salt)
            key.verify(sod.signature, sod.signed_attrs, pss, algorithm())
        else:
            raise VerificationError("algorithm", f"{sod.signature_algorithm} with this key type")
    except InvalidSignature:
        raise VerificationError("signature", "the document signer's signature is wrong") from None


def _within(cert: x509.Certificate, now: datetime) -> bool:
    return cert.not_valid_before_utc <= now <= cert.not_valid_after_utc


def check_signer(signer: x509.Certificate, store: TrustStore, now: datetime) -> tuple[str, bool]:
    """The CSCA's subject and whether a CRL was consulted; refuses a signer it cannot trust."""
    if not _within(signer, now):
        raise VerificationError("ds_expired", "the document signer certificate is not valid now")
    csca = store.issuer_of(signer)
    if csca is None:
        raise VerificationError("unknown_csca", "no CSCA in the trust store issued the signer")
    if not _within(csca, now):
        raise VerificationError("csca_expired", "the issuing CSCA certificate is not valid now")
    revoked = store.revoked(csca, signer.serial_number)
    if revoked:
        raise VerificationError("ds_revoked", "the document signer certificate is revoked")
    return csca.subject.rfc4514_string(), revoked is not None


def verify(sod: Sod, groups: dict[int, bytes], store: TrustStore, now: datetime) -> PassiveResult:
    """All of passive authentication for the data groups read (``now`` timezone-aware)."""
    check_hashes(sod, groups)
    try:
        signer = x509.load_der_x509_certificate(sod.certificate)
    except (ValueError, x509.InvalidVersion):
        raise MalformedData("sod", "the document signer certificate does not parse") from None
    if sod.signer_serial is not None and sod.signer_serial != signer.serial_number:
        raise VerificationError("signature", "the SOD names another signer than it carries")
    check_signature(sod, signer)
    csca, crl_checked = check_signer(signer, store, now)
    subject = signer.subject.rfc4514_string()
    return PassiveResult(subject, csca, sod.hash_algorithm, tuple(sorted(groups)), crl_checked)
