"""Every refusal of the chip protocol: a stable code, plain Vietnamese, precise English.

Codes are grouped by what went wrong so the screen can pick its advice: ``chip.malformed.*`` (the
card sent data that is not what ICAO 9303 says), ``chip.access.*`` (wrong CAN or MRZ key),
``chip.sm.*`` (secure messaging broken: a copied or faulty chip, or a lifted card), ``chip.card.*``
(status words), ``chip.pa.*`` (passive authentication: the data is not proven genuine).
No message carries personal data.
"""

from __future__ import annotations

from kioskbase.errors import BilingualError

_RETRY_VI = "Hãy đặt lại thẻ lên đầu đọc và giữ yên cho đến khi đọc xong."
_NOT_VERIFIED_VI = "Không xác minh được dữ liệu trong chip là thật. Hãy báo cán bộ."
_PA_VI = {
    "dg_hash": "Dữ liệu trong chip đã bị thay đổi sau khi cấp thẻ. Hãy báo cán bộ.",
    "digest": "Dữ liệu trong chip đã bị thay đổi sau khi cấp thẻ. Hãy báo cán bộ.",
    "dg_missing": "Dữ liệu trong chip không đầy đủ chữ ký của cơ quan cấp thẻ. Hãy báo cán bộ.",
    "signature": "Chữ ký của cơ quan cấp thẻ trong chip không đúng. Hãy báo cán bộ.",
    "unknown_csca": "Chip được ký bởi một cơ quan cấp thẻ mà máy không biết. Hãy báo cán bộ.",
    "ds_expired": "Chứng thư ký dữ liệu của thẻ đã hết hạn. Hãy báo cán bộ.",
    "csca_expired": "Chứng thư gốc của cơ quan cấp thẻ đã hết hạn. Hãy báo cán bộ.",
    "ds_revoked": "Chứng thư ký dữ liệu của thẻ đã bị thu hồi. Hãy báo cán bộ.",
}
"""Per check, what the citizen reads; other ``chip.pa.*`` codes use the general message."""


class ChipError(BilingualError):
    """Base of every chip refusal."""


class MalformedData(ChipError):
    """Bytes from the card that do not parse: lying lengths, truncation, nesting too deep."""

    def __init__(self, what: str, detail: str) -> None:
        super().__init__(
            f"chip.malformed.{what}",
            "Dữ liệu trong chip bị lỗi, không đọc được. " + _RETRY_VI,
            f"malformed {what}: {detail}",
        )


class AccessDenied(ChipError):
    """The card refused the access key (wrong CAN or wrong MRZ data)."""

    def __init__(self, method: str, detail: str) -> None:
        super().__init__(
            f"chip.access.{method}",
            "Thẻ không chấp nhận mã truy cập. Hãy kiểm tra số căn cước đã quét đúng thẻ này.",
            f"{method} access refused: {detail}",
        )


class SecureMessagingError(ChipError):
    """A response whose MAC, padding or structure fails: never trust its contents."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            "chip.sm.invalid",
            "Kết nối với chip bị gián đoạn. " + _RETRY_VI,
            f"secure messaging: {detail}",
        )


class CardStatus(ChipError):
    """The card answered a command with an error status word."""

    def __init__(self, command: str, sw: int) -> None:
        code = "chip.card.not_found" if sw in (0x6A82, 0x6D00) else "chip.card.status"
        super().__init__(
            code,
            "Thẻ không trả lời đúng. Có thể đây không phải thẻ căn cước gắn chip. " + _RETRY_VI,
            f"{command} failed with status {sw:04X}",
        )
        self.sw = sw


class CardLost(ChipError):
    """The transport lost the card (lifted mid-read, reader unplugged)."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            "chip.lifted",
            "Thẻ đã bị nhấc ra trước khi đọc xong. " + _RETRY_VI,
            f"card lost: {detail}",
        )


class NotAnIdCard(ChipError):
    """The card answers, but holds no ICAO 9303 application (bank card, transport card)."""

    def __init__(self, detail: str, code: str = "chip.not_id_card") -> None:
        super().__init__(
            code,
            "Đây không phải thẻ căn cước gắn chip của Việt Nam. Hãy đặt thẻ căn cước lên đầu đọc.",
            f"not a Vietnamese chip ID card: {detail}",
        )


class VerificationError(ChipError):
    """Passive authentication failed: ``code`` says which check (``chip.pa.*``)."""

    def __init__(self, what: str, detail: str) -> None:
        super().__init__(f"chip.pa.{what}", _PA_VI.get(what, _NOT_VERIFIED_VI),
                         f"passive authentication: {detail}")


class UnsupportedCard(ChipError):
    """The card wants an algorithm or mode this reader does not implement."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            "chip.unsupported",
            "Máy chưa đọc được loại chip này. Hãy báo cán bộ.",
            f"unsupported: {detail}",
        )


class TrustStoreError(ChipError):
    """A trust-store file that does not load: refused when installed, not at a citizen's turn."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            "chip.trust_store.invalid",
            "Kho chứng thư gốc để xác minh thẻ căn cước bị lỗi. Hãy báo kỹ thuật viên.",
            f"trust store: {detail}",
        )
