"""What an issuing authority does, for tests, bench and demo: a test CSCA and document signer,
data groups encoded as on the card, and an EF.SOD signing their hashes.

Never used to read a real card; only synthetic persons go through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from asn1crypto import cms, core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from ecdsa import VerifyingKey, curves
from ecdsa.ellipticcurve import PointJacobi

from hw.emrtd import tlv
from hw.emrtd.bac import check_digit
from hw.emrtd.lds import DG_TAGS
from hw.emrtd.sod import LDS_SECURITY_OBJECT, SOD_TAG, LdsSecurityObject

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Authority:
    """A certificate and its private key (CSCA or document signer)."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test issuing authority"),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def _certificate(
    subject: str, key: PrivateKey, issuer: Authority | None, days: tuple[int, int]
) -> x509.Certificate:
    now, ca = datetime.now(UTC), issuer is None
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer.cert.subject if issuer else _name(subject))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + days[0] * DAY)
        .not_valid_after(now + days[1] * DAY)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
    )
    return builder.sign(issuer.key if issuer else key, hashes.SHA256())


def make_csca(name: str = "CSCA Test VN", days: tuple[int, int] = (-1, 3650)) -> Authority:
    key = ec.generate_private_key(ec.BrainpoolP256R1())
    return Authority(_certificate(name, key, None, days), key)


def make_signer(
    csca: Authority,
    name: str = "DS Test VN",
    days: tuple[int, int] = (-1, 365),
    *,
    rsa_key: bool = False,
) -> Authority:
    """A document signer: ECDSA P-256 by default, RSA-2048 with ``rsa_key``."""
    key: PrivateKey = (
        rsa.generate_private_key(65537, 2048)
        if rsa_key
        else ec.generate_private_key(ec.SECP256R1())
    )
    return Authority(_certificate(name, key, csca, days), key)


def make_crl(csca: Authority, revoked: list[int]) -> x509.CertificateRevocationList:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(csca.cert.subject)
        .last_update(now - DAY)
        .next_update(now + 30 * DAY)
    )
    for serial in revoked:
        entry = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now - DAY)
        builder = builder.add_revoked_certificate(entry.build())
    return builder.sign(csca.key, hashes.SHA256())


def td1(number: str, birth: str, sex: str, expiry: str, names: str, optional: str = "") -> str:
    """A TD1 MRZ (3 × 30) with its check digits, as DG1 of a CCCD holds it."""
    line1 = f"IDVNM{number}{check_digit(number)}{optional.ljust(15, '<')}"
    upper = f"{birth}{check_digit(birth)}{sex}{expiry}{check_digit(expiry)}VNM{'<' * 11}"
    composite = line1[5:30] + upper[0:7] + upper[8:15] + upper[18:29]
    return line1 + upper + check_digit(composite) + names.ljust(30, "<")[:30]


def encode_dg1(mrz: str) -> bytes:
    return tlv.encode(0x61, tlv.encode(0x5F1F, mrz.encode("ascii")))


def encode_dg13(fields: dict[int, tuple[str, ...]], oid: str = "1.2.3.4") -> bytes:
    """DG13 in the reported CCCD layout: 6D { SEQUENCE { version, OID, SET { fields } } }."""
    entries = b"".join(
        tlv.encode(0x30, tlv.encode(0x02, bytes([n])) + b"".join(
            tlv.encode(0x0C, value.encode("utf-8")) for value in values))
        for n, values in sorted(fields.items())
    )  # fmt: skip
    oid_der = bytes(cms.ContentType(oid).dump())
    body = tlv.encode(0x02, b"\x00") + oid_der + tlv.encode(0x31, entries)
    return tlv.encode(0x6D, tlv.encode(0x30, body))


def encode_dg15(key: ec.EllipticCurvePublicKey) -> bytes:
    """DG15: the chip's active-authentication public key as a SubjectPublicKeyInfo."""
    spki = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return tlv.encode(0x6F, spki)


def encode_dg14(curve: curves.Curve, point: PointJacobi,
                oid: str = "0.4.0.127.0.7.2.2.3.2.2") -> bytes:
    """DG14 with a ChipAuthenticationInfo (ECDH, ``oid``, version 1) and the chip's public key."""
    spki = VerifyingKey.from_public_point(point, curve).to_der(
        curve_parameters_encoding="named_curve")
    ca_info = tlv.encode(0x30, tlv.encode(0x06, bytes(core.ObjectIdentifier(oid).contents))
                         + tlv.encode(0x02, b"\x01"))
    pk_oid = bytes(core.ObjectIdentifier("0.4.0.127.0.7.2.2.1.2").contents)
    pk_info = tlv.encode(0x30, tlv.encode(0x06, pk_oid) + spki)
    return tlv.encode(0x6E, tlv.encode(0x31, ca_info + pk_info))


def encode_com(groups: list[int]) -> bytes:
    tags = bytes(tag for tag, number in DG_TAGS.items() if number in groups)
    inner = tlv.encode(0x5F01, b"0107") + tlv.encode(0x5F36, b"040000") + tlv.encode(0x5C, tags)
    return tlv.encode(0x60, inner)


def _sha256(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SHA256())
    digest.update(data)
    return digest.finalize()


def _sign(signer: Authority, data: bytes, scheme: str) -> tuple[bytes, dict[str, object]]:
    """The signature and its CMS signature algorithm: ECDSA, RSA PKCS#1 v1.5 or RSA-PSS."""
    key = signer.key
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256())), {"algorithm": "sha256_ecdsa"}
    if scheme == "pss":
        mgf = padding.MGF1(hashes.SHA256())
        signature = key.sign(data, padding.PSS(mgf=mgf, salt_length=32), hashes.SHA256())
        params = {
            "hash_algorithm": {"algorithm": "sha256"},
            "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": {"algorithm": "sha256"}},
            "salt_length": 32,
        }
        return signature, {"algorithm": "rsassa_pss", "parameters": params}
    return key.sign(data, padding.PKCS1v15(), hashes.SHA256()), {"algorithm": "sha256_rsa"}


def sign_sod(groups: dict[int, bytes], signer: Authority, scheme: str = "pkcs1") -> bytes:
    """EF.SOD: SHA-256 hashes of ``groups`` signed by ``signer`` in CMS SignedData (an RSA
    signer uses ``scheme`` ``pkcs1`` or ``pss``)."""
    lso = LdsSecurityObject({
        "version": 0,
        "hash_algorithm": {"algorithm": "sha256"},
        "data_group_hash_values": [
            {"data_group_number": n, "data_group_hash_value": _sha256(data)}
            for n, data in sorted(groups.items())
        ],
    })  # fmt: skip
    info = signed_content(LDS_SECURITY_OBJECT, lso.dump(), signer, scheme)
    return tlv.encode(SOD_TAG, info)


def signed_content(oid: str, content: bytes, signer: Authority, scheme: str = "pkcs1") -> bytes:
    """A DER ContentInfo: ``content`` of type ``oid`` in CMS SignedData by ``signer``."""
    attrs = cms.CMSAttributes([
        {"type": "content_type", "values": [cms.ContentType(oid)]},
        {"type": "message_digest", "values": [_sha256(content)]},
    ])  # fmt: skip
    signature, algorithm = _sign(signer, attrs.dump(), scheme)
    cert = asn1_x509.Certificate.load(signer.cert.public_bytes(serialization.Encoding.DER))
    signer_info = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier({"issuer_and_serial_number": {
            "issuer": cert.issuer, "serial_number": cert.serial_number}}),
        "digest_algorithm": {"algorithm": "sha256"},
        "signed_attrs": attrs,
        "signature_algorithm": algorithm,
        "signature": signature,
    })  # fmt: skip
    signed = cms.SignedData({
        "version": "v3",
        "digest_algorithms": [{"algorithm": "sha256"}],
        "encap_content_info": {"content_type": oid, "content": content},
        "certificates": [cert],
        "signer_infos": [signer_info],
    })  # fmt: skip
    return bytes(cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump())
