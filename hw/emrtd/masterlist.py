"""CSCA master lists (ICAO 9303-12 §9): a CMS SignedData over a SET of CSCA certificates, as
states publish them (Germany's BSI list carries Vietnam's CSCA, which ICAO's directory lacks).

The list's signature is checked against its own master-list signer, which must be issued by a CSCA
in the list; that proves the file is whole, not who published it, so the technician or gateway
chooses which lists to install. Only the CSCAs of the wanted countries are kept.
"""

from __future__ import annotations

from typing import Any, ClassVar

from asn1crypto import core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.x509.oid import NameOID

from hw.emrtd.errors import MalformedData, VerificationError
from hw.emrtd.passive import check_digest, check_signature
from hw.emrtd.sod import guarded, signed_data, signer_view

CSCA_MASTER_LIST = "2.23.136.1.1.2"


class _Certificates(core.SetOf):  # type: ignore[misc]
    _child_spec = asn1_x509.Certificate


class CscaMasterList(core.Sequence):  # type: ignore[misc]
    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("version", core.Integer),
        ("cert_list", _Certificates),
    ]


def country(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)
    return str(names[0].value).upper() if names else ""


def _issued_by_one_of(cert: x509.Certificate, cscas: list[x509.Certificate]) -> bool:
    for csca in cscas:
        try:
            cert.verify_directly_issued_by(csca)
        except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
            continue
        return True
    return False


def read_master_list(data: bytes, countries: tuple[str, ...] = ("VN",)) -> list[x509.Certificate]:
    """The CSCA certificates of ``countries`` in a master list whose signature holds.

    Raises ``chip.malformed.master_list`` or ``chip.pa.*`` (signature, digest, signer).
    """
    view = guarded("master_list", lambda: signer_view(signed_data(data), CSCA_MASTER_LIST))
    blobs = guarded("master_list", lambda: [
        c.dump() for c in CscaMasterList.load(view.content, strict=True)["cert_list"]])  # fmt: skip
    try:
        signer = x509.load_der_x509_certificate(view.certificate)
        cscas = [x509.load_der_x509_certificate(blob) for blob in blobs]
    except (ValueError, x509.InvalidVersion):
        raise MalformedData("master_list", "a certificate does not parse") from None
    check_digest(view)
    check_signature(view, signer)
    if not _issued_by_one_of(signer, cscas):
        raise VerificationError("master_list_signer", "the list's signer is not in the list")
    wanted = {c.upper() for c in countries}
    return [cert for cert in cscas if country(cert) in wanted]
