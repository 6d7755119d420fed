"""EF.SOD (ICAO 9303-10 §4.6.2): a CMS SignedData over the LDSSecurityObject (the DG hashes).

Parsed with ``asn1crypto``; every failure of a malformed SOD becomes ``chip.malformed.sod``. The
signature and certificate checks are in :mod:`~hw.emrtd.passive`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, ClassVar, TypeVar

from asn1crypto import algos, cms, core

from hw.emrtd import tlv
from hw.emrtd.errors import MalformedData

LDS_SECURITY_OBJECT = "2.23.136.1.1.1"
SOD_TAG = 0x77
T = TypeVar("T")
_PARSE_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError)


class DataGroupHash(core.Sequence):  # type: ignore[misc]
    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("data_group_number", core.Integer),
        ("data_group_hash_value", core.OctetString),
    ]


class DataGroupHashValues(core.SequenceOf):  # type: ignore[misc]
    _child_spec = DataGroupHash


class LdsVersionInfo(core.Sequence):  # type: ignore[misc]
    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("lds_version", core.PrintableString),
        ("unicode_version", core.PrintableString),
    ]


class LdsSecurityObject(core.Sequence):  # type: ignore[misc]
    _fields: ClassVar[list[tuple[Any, ...]]] = [
        ("version", core.Integer),
        ("hash_algorithm", algos.DigestAlgorithm),
        ("data_group_hash_values", DataGroupHashValues),
        ("lds_version_info", LdsVersionInfo, {"optional": True}),
    ]


@dataclass(frozen=True)
class Sod:
    hash_algorithm: str
    """asn1crypto's name of the DG hash, e.g. ``sha256``."""
    hashes: dict[int, bytes]
    content: bytes
    """The encapsulated LDSSecurityObject as signed (what messageDigest covers)."""
    signed_attrs: bytes
    """The signed attributes re-tagged as a SET: the bytes the signature covers."""
    message_digest: bytes
    digest_algorithm: str
    signature_algorithm: str
    """``rsassa_pkcs1v15``, ``rsassa_pss`` or ``ecdsa``."""
    pss_salt: int
    signature: bytes
    certificate: bytes
    """DER of the document signer certificate carried in the SOD."""
    signer_serial: int | None


def signed_data(info_der: bytes) -> cms.SignedData:
    """The SignedData of a DER ContentInfo (EF.SOD's inside, or a CSCA master list)."""
    info = cms.ContentInfo.load(info_der, strict=True)
    if info["content_type"].native != "signed_data":
        raise MalformedData("sod", "content is not SignedData")
    signed: cms.SignedData = info["content"]
    return signed


def _digest_of(attrs: cms.CMSAttributes) -> bytes:
    for attr in attrs:
        if attr["type"].native == "message_digest":
            value: bytes = attr["values"][0].native
            return value
    raise MalformedData("sod", "no messageDigest attribute")


def signer_view(signed: cms.SignedData, oid: str) -> Sod:
    """The content of type ``oid`` and its one signer, as :class:`Sod` without hashes."""
    encap = signed["encap_content_info"]
    if encap["content_type"].dotted != oid:
        raise MalformedData("sod", f"content is not {oid}")
    if len(signed["signer_infos"]) != 1 or len(signed["certificates"]) < 1:
        raise MalformedData("sod", "expected one signer and its certificate")
    signer = signed["signer_infos"][0]
    attrs, sid = signer["signed_attrs"], signer["sid"]
    serial = sid.chosen["serial_number"].native if sid.name == "issuer_and_serial_number" else None
    algorithm = signer["signature_algorithm"]
    pss = algorithm.signature_algo == "rsassa_pss"
    return Sod(
        hash_algorithm="",
        hashes={},
        content=encap["content"].contents or b"",
        signed_attrs=b"\x31" + attrs.dump()[1:],
        message_digest=_digest_of(attrs),
        digest_algorithm=signer["digest_algorithm"]["algorithm"].native,
        signature_algorithm=algorithm.signature_algo,
        pss_salt=int(algorithm["parameters"]["salt_length"].native) if pss else 0,
        signature=signer["signature"].native,
        certificate=signed["certificates"][0].chosen.dump(),
        signer_serial=serial,
    )


def _parse(data: bytes) -> Sod:
    view = signer_view(signed_data(tlv.decode(data, SOD_TAG).value), LDS_SECURITY_OBJECT)
    lso = LdsSecurityObject.load(view.content, strict=True)
    hashes = {int(h["data_group_number"].native): h["data_group_hash_value"].native
              for h in lso["data_group_hash_values"]}  # fmt: skip
    return replace(view, hash_algorithm=lso["hash_algorithm"]["algorithm"].native, hashes=hashes)


def guarded(what: str, parse: Callable[[], T]) -> T:
    """Run an asn1crypto parse, turning any of its exceptions into ``chip.malformed.<what>``."""
    try:
        return parse()
    except MalformedData:
        raise
    except _PARSE_ERRORS as exc:
        raise MalformedData(what, f"{type(exc).__name__} while parsing") from None


def parse_sod(data: bytes) -> Sod:
    """The parts of EF.SOD that passive authentication needs; anything malformed is refused."""
    sod = guarded("sod", lambda: _parse(data))
    if not sod.hashes or any(n < 1 or n > 16 for n in sod.hashes):
        raise MalformedData("sod", "data group numbers outside 1–16")
    return sod
