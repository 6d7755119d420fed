"""The procedure catalogue: which procedures the kiosk offers and what the rules need about them.

The catalogue is data (``data/catalogue.json``, schema in docs/domain.md), versioned, and replaced
as a whole by a newer one from the gateway: the sync daemon stores the gateway's JSON, the UI loads
it with :func:`load_catalogue` at the start of the next citizen session. Objects are immutable, so
a session that started with the old catalogue finishes with it; nothing in progress is lost.

:func:`load_catalogue` checks everything and raises :class:`CatalogueError` naming the procedure and
the field, so a bad catalogue from the gateway is refused (the kiosk keeps the one it has).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from appliance.domain.addresses import AddressMap, AddressMapError, load_address_map
from appliance.domain.calendar import CalendarError, CalendarOverride, parse_overrides

SCHEMA = 1
TIME_UNITS = ("working_days", "calendar_days", "same_day", "none")
PAPER_KINDS = {
    "original": "Bản chính",
    "copy": "Bản sao",
    "original_or_copy": "Bản chính hoặc bản sao",
    "certified_copy": "Bản sao có chứng thực",
    "present_original": "Bản chính: mang theo khi nhận kết quả để cán bộ đối chiếu",
}
"""Component paper kinds and how the slip names them."""
FEE_KINDS = ("free", "fixed", "per_page", "set_by_province")
FEE_PER = ("dossier", "copy", "page")
FIELD_TYPES = ("text", "multiline", "date", "number", "phone", "email", "id_number", "choice")
PREFILL_SOURCES = (
    "full_name",
    "id_number",
    "old_id_number",
    "birth_date",
    "sex",
    "address",
    "issue_date",
)
"""Identity attributes a form field may be pre-filled from (appliance.domain.identity.Identity)."""
EXEMPTION_FIELD = "mien_le_phi"
"""The form question that asks whether the citizen belongs to a fee-exempt group."""
NOT_EXEMPT = "Không thuộc các trường hợp trên"
"""Its last option: the citizen pays the fee the rules give."""
DELIVERY_FIELD = "nhan_ket_qua"
"""The form question: how the citizen receives the result."""
POSTAL_ADDRESS_FIELD = "dia_chi_nhan_ket_qua"
"""Where the post delivers the result (pre-filled from the card, today's commune names)."""


@dataclass(frozen=True)
class Delivery:
    """One way of receiving the result, as the citizen chooses it and the payload states it."""

    code: str
    """Kiosk code in the payload's ``HinhThucNhanKetQua``."""
    national: str
    """National ``HinhThuc``: "0" returned in person, "1" by post (docs/domain.md §0)."""
    slip: str
    """The slip's wording (``SlipData.result_delivery``)."""


DELIVERIES = {
    "Nhận trực tiếp tại nơi nộp hồ sơ": Delivery(
        "truc_tiep", "0", "Nhận trực tiếp tại Bộ phận Một cửa"),
    "Nhận qua dịch vụ bưu chính công ích": Delivery(
        "buu_chinh", "1", "Gửi qua dịch vụ bưu chính công ích đến địa chỉ đã đăng ký"),
    "Nhận bản điện tử trên Cổng Dịch vụ công/VNeID": Delivery(
        "dien_tu", "0", "Nhận bản điện tử trên Cổng Dịch vụ công/VNeID"),
}
"""Choice option (what the citizen reads on the big button) → how it is recorded."""
_AT_OFFICE = "Nhận trực tiếp tại nơi nộp hồ sơ"
_CODE_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,39}")
_NAME_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")


class CatalogueError(ValueError):
    """A catalogue that cannot be used; the message names the procedure and the field."""


@dataclass(frozen=True)
class Component:
    """One paper of the dossier (thành phần hồ sơ, MaThanhPhanHoSo)."""

    code: str
    name: str
    paper: str = "original"
    """One of PAPER_KINDS: what the citizen hands in."""
    required: bool = True
    quantity: int = 1
    min_pages: int = 1
    max_pages: int = 10
    digitise: bool = True
    """Scanned at the kiosk (counts toward the digitisation index, HoSoCoThanhPhanSoHoa)."""
    note: str = ""

    @property
    def paper_vi(self) -> str:
        return PAPER_KINDS[self.paper]


@dataclass(frozen=True)
class FormField:
    """One field of the procedure's form on the touch screen."""

    name: str
    """Key in the form payload (snake_case ASCII)."""
    label: str
    """Vietnamese label shown to the citizen."""
    type: str = "text"
    required: bool = True
    max_length: int = 200
    pattern: str | None = None
    """Extra regular expression the whole value must match (after trimming)."""
    pattern_hint: str = ""
    """Vietnamese sentence shown when ``pattern`` does not match."""
    options: tuple[str, ...] = ()
    """Allowed values of a ``choice`` field."""
    prefill: str | None = None
    """Identity attribute (PREFILL_SOURCES) that pre-fills this field."""
    help: str = ""

    def validate(self, value: str | None) -> str | None:
        """None when ``value`` is acceptable, else a Vietnamese message saying what to do."""
        value = unicodedata.normalize("NFC", (value or "").strip())
        if not value:
            verb = "chọn" if self.type == "choice" else "nhập"
            return f"Xin vui lòng {verb} {self.label.lower()}." if self.required else None
        if len(value) > self.max_length:
            return f"{self.label} dài quá {self.max_length} ký tự. Xin vui lòng viết ngắn lại."
        problem = _TYPE_CHECKS[self.type](self, value)
        if problem:
            return problem
        if self.pattern and not re.fullmatch(self.pattern, value):
            return self.pattern_hint or f"{self.label} chưa đúng. Xin vui lòng kiểm tra lại."
        return None


def _check_text(f: FormField, v: str) -> str | None:
    if any(unicodedata.category(c) == "Cc" for c in v if c != "\n" or f.type != "multiline"):
        return f"{f.label} có ký tự không hợp lệ. Xin vui lòng nhập lại."
    return None


_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def canonical_date(value: str) -> str | None:
    """``dd/mm/yyyy`` for a date written d/m/yyyy or dd/mm/yyyy ("5/3/2025" → "05/03/2025"),
    None when it is not a real date from 1900 on."""
    match = _DATE.fullmatch(value.strip())
    if match is None:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    return f"{date:%d/%m/%Y}" if year >= 1900 else None


def _check_date(f: FormField, v: str) -> str | None:
    """d/m/yyyy (people write "5/3/2025"); a birth date pre-filled from the card may be the year
    alone ("1950"): elderly people's papers often carry only the year (docs/domain.md §1)."""
    year_only = f.prefill == "birth_date"
    if year_only and re.fullmatch(r"[0-9]{4}", v) and 1900 <= int(v) <= 2100:
        return None
    if canonical_date(v) is None:
        also = " (hoặc chỉ năm sinh, ví dụ 1950)" if year_only else ""
        return (f"Xin vui lòng nhập {f.label.lower()} theo dạng ngày/tháng/năm, "
                f"ví dụ 05/09/2024{also}.")
    return None


def _check_number(f: FormField, v: str) -> str | None:
    if not re.fullmatch(r"[0-9]{1,9}", v):
        return f"{f.label} chỉ gồm chữ số. Xin vui lòng nhập lại."
    return None


def _check_phone(f: FormField, v: str) -> str | None:
    if not re.fullmatch(r"0[0-9]{9}", v.replace(" ", "")):
        return "Số điện thoại gồm 10 chữ số, bắt đầu bằng số 0. Xin vui lòng nhập lại."
    return None


def _check_email(f: FormField, v: str) -> str | None:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", v):
        return "Địa chỉ thư điện tử chưa đúng, ví dụ: ten@example.com. Xin vui lòng nhập lại."
    return None


def _check_id_number(f: FormField, v: str) -> str | None:
    if not re.fullmatch(r"[0-9]{12}", v):
        return "Số định danh cá nhân gồm 12 chữ số. Xin vui lòng nhập lại."
    return None


def _check_choice(f: FormField, v: str) -> str | None:
    if v not in f.options:
        return f"Xin vui lòng chọn {f.label.lower()} trong danh sách."
    return None


_TYPE_CHECKS = {
    "text": _check_text,
    "multiline": _check_text,
    "date": _check_date,
    "number": _check_number,
    "phone": _check_phone,
    "email": _check_email,
    "id_number": _check_id_number,
    "choice": _check_choice,
}


@dataclass(frozen=True)
class TimeLimit:
    """The statutory time limit (thời hạn giải quyết) of a procedure."""

    unit: str
    """One of TIME_UNITS."""
    value: int = 0
    """Number of days (0 for same_day and none)."""
    cutoff: dt.time | None = None
    """Received at or after this time on a working day → counted from the next working day."""
    text: str = ""
    """The official wording, printed on the slip as item 3 (Thời gian giải quyết)."""
    variants: tuple[TimeVariant, ...] = ()
    """Other limits the citizen's answers select (e.g. "bổ sung" is same-day)."""

    def for_answers(self, answers: Mapping[str, str]) -> TimeLimit:
        """The limit that applies to these answers: the first matching variant, else this."""
        return next((v.limit for v in self.variants
                     if all(answers.get(k) == val for k, val in v.when)), self)


@dataclass(frozen=True)
class TimeVariant:
    when: tuple[tuple[str, str], ...]
    """Form answers (choice field, option) that select ``limit``."""
    limit: TimeLimit


@dataclass(frozen=True)
class FeeRule:
    kind: str
    """One of FEE_KINDS."""
    amount: int | None = None
    """VND; for ``set_by_province`` the usual amount when known, else None."""
    per: str = "dossier"
    tiers: tuple[tuple[int, int | None, int], ...] = ()
    """``per_page``: (first page, last page or None, VND per page)."""
    max_amount: int | None = None
    """Cap per ``per`` unit (e.g. 200.000 đ per copy)."""
    condition: str = ""
    """When this rule applies, in Vietnamese (e.g. "Đăng ký đúng hạn")."""
    when: tuple[tuple[str, str], ...] = ()
    """Form answers (choice field, option) that select this rule; empty: always."""

    def matches(self, answers: Mapping[str, str]) -> bool:
        return all(answers.get(name) == value for name, value in self.when)


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


@dataclass(frozen=True)
class FeeQuote:
    """The fee for one dossier given the citizen's answers, as the screen and the slip show it."""

    amount: int | None
    """VND; None when the province sets it and the kiosk does not know the figure (never 0)."""
    text: str
    """Vietnamese: "Miễn lệ phí (…)", "8.000 đồng", "Theo mức thu của tỉnh"."""
    exemption: str | None = None
    """The exempt group the citizen chose, if any."""


@dataclass(frozen=True)
class Fee:
    text: str
    """Fee text verbatim from the official procedure record (exemptions matter)."""
    rules: tuple[FeeRule, ...] = ()
    """Amount rules; the first is the default case."""
    exemptions: tuple[str, ...] = ()
    """Groups the fee rule exempts (e.g. "Người thuộc hộ nghèo"): the options of the form's
    EXEMPTION_FIELD question, before NOT_EXEMPT."""

    def quote(self, answers: Mapping[str, str], copies: int = 1, pages: int = 1) -> FeeQuote:
        """The fee under the citizen's answers: an exemption they chose, else the first rule whose
        ``when`` matches (the first rule when none does). A fee the province sets is "theo mức
        thu của tỉnh", with the usual figure when the catalogue knows it: never 0 đồng."""
        chosen = answers.get(EXEMPTION_FIELD)
        if chosen in self.exemptions:
            return FeeQuote(0, f"Miễn lệ phí ({chosen})", chosen)
        rule = next((r for r in self.rules if r.when and r.matches(answers)),
                    next((r for r in self.rules if not r.when), None))
        if rule is None:
            return FeeQuote(None, self.text)
        if rule.kind == "free":
            return FeeQuote(0, "Miễn lệ phí")
        if rule.kind == "set_by_province":
            usual = f" (thường là {_vnd(rule.amount)})" if rule.amount is not None else ""
            return FeeQuote(None, f"Theo mức thu của tỉnh{usual}")
        amount = Fee(self.text, (rule,)).estimate(copies, pages)
        return FeeQuote(amount, _vnd(amount or 0))

    def estimate(self, copies: int = 1, pages: int = 1) -> int | None:
        """Amount in VND under the first rule, or None when the province sets it and no usual
        amount is known. For information on screen only: the fee text is authoritative."""
        if not self.rules:
            return None
        rule = self.rules[0]
        if rule.kind == "free":
            return 0
        if rule.kind == "per_page":
            per_copy = sum(
                price * max(0, min(pages, last if last is not None else pages) - first + 1)
                for first, last, price in rule.tiers
            )
            if rule.max_amount is not None:
                per_copy = min(per_copy, rule.max_amount)
            return per_copy * copies
        if rule.amount is None:
            return None
        return rule.amount * {"dossier": 1, "copy": copies, "page": pages * copies}[rule.per]


@dataclass(frozen=True)
class Procedure:
    code: str
    """MaTTHC in the national procedure database, e.g. 1.001193."""
    name: str
    field_code: str
    """MaLinhVuc."""
    field: str
    """TenLinhVuc, e.g. "Hộ tịch"."""
    time_limit: TimeLimit
    fee: Fee
    components: tuple[Component, ...]
    form: tuple[FormField, ...]
    result: str = ""
    """What the citizen receives (kết quả), in Vietnamese."""
    note: str = ""
    """Reviewer's note: uncertain facts and their source."""

    def component(self, code: str) -> Component | None:
        return next((c for c in self.components if c.code == code), None)

    def for_answers(self, answers: Mapping[str, str]) -> Procedure:
        """This procedure with the time limit the citizen's answers select (due date, slip)."""
        limit = self.time_limit.for_answers(answers)
        return self if limit is self.time_limit else dataclasses.replace(self, time_limit=limit)

    def form_field(self, name: str) -> FormField | None:
        return next((f for f in self.form if f.name == name), None)

    def validate_form(self, values: Mapping[str, str]) -> dict[str, str]:
        """Field name → Vietnamese message, for every field that is not acceptable."""
        problems = {}
        for f in self.form:
            msg = f.validate(values.get(f.name))
            if msg:
                problems[f.name] = msg
        postal = self.delivery(values).code == "buu_chinh"
        if postal and not (values.get(POSTAL_ADDRESS_FIELD) or "").strip():
            problems[POSTAL_ADDRESS_FIELD] = (
                "Xin vui lòng nhập địa chỉ nhận kết quả qua bưu chính.")
        return problems

    def fee_quote(self, answers: Mapping[str, str]) -> FeeQuote:
        """The fee under the citizen's answers (copies from a ``so_ban_sao`` field)."""
        copies = answers.get("so_ban_sao", "")
        return self.fee.quote(answers, copies=int(copies) if copies.isdigit() else 1)

    def delivery(self, answers: Mapping[str, str]) -> Delivery:
        """How the citizen receives the result; at the office when the form does not ask."""
        return DELIVERIES.get(answers.get(DELIVERY_FIELD, ""), DELIVERIES[_AT_OFFICE])

    def public_facts(self, answers: Mapping[str, str]) -> dict[str, Any]:
        """What a reprint needs from the answers, nothing personal: the answers that select the
        time limit and the delivery, and the fee text without the exempt group."""
        names = {n for v in self.time_limit.variants for n, _ in v.when} | {DELIVERY_FIELD}
        quote = self.fee_quote(answers)
        return {"answers": {n: answers[n] for n in sorted(names) if n in answers},
                "fee_text": "Miễn lệ phí" if quote.exemption else quote.text,
                "fee_amount": quote.amount}

    def payload_fields(self, answers: Mapping[str, str]) -> dict[str, Any]:
        """The national fields the citizen's answers decide: the fee list (``DanhSachLePhi``)
        and how the result is received (``HinhThuc``; docs/domain.md §0)."""
        quote = self.fee_quote(answers)
        delivery = self.delivery(answers)
        fee = {"TenPhiLePhi": quote.text, "MaPhiLePhi": self.code, "Gia": quote.amount,
               "MienLePhi": quote.exemption}
        postal = delivery.code == "buu_chinh"
        return {
            "DanhSachLePhi": [fee],
            "HinhThuc": delivery.national,
            "HinhThucNhanKetQua": delivery.code,
            "DiaChiNhanKetQua": (answers.get(POSTAL_ADDRESS_FIELD) or None) if postal else None,
        }


@dataclass(frozen=True)
class Catalogue:
    version: str
    procedures: tuple[Procedure, ...]
    calendar_overrides: tuple[CalendarOverride, ...] = ()
    published: str = ""
    sites: tuple[dict[str, Any], ...] = ()
    """Sites the gateway lists (passed through unchanged for staff mode)."""
    address_map: AddressMap = dataclasses.field(default_factory=AddressMap)
    """Old commune → today's commune and province (appliance.domain.addresses)."""
    unit: tuple[tuple[str, str], ...] = ()
    """The receiving unit as the gateway states it (UNIT_KEYS → text): it wins over kiosk.toml,
    so a renamed or merged commune reaches the slip and the dossier codes without a visit."""

    def get(self, code: str) -> Procedure | None:
        return next((p for p in self.procedures if p.code == code), None)

    def by_field(self) -> dict[str, list[Procedure]]:
        """Field name → its procedures, both in catalogue order (the UI's first menu)."""
        out: dict[str, list[Procedure]] = {}
        for p in self.procedures:
            out.setdefault(p.field, []).append(p)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON form; ``load_catalogue(cat.to_dict()) == cat``."""
        return {
            "schema": SCHEMA,
            "version": self.version,
            "published": self.published,
            "procedures": [_procedure_to_dict(p) for p in self.procedures],
            "calendar_overrides": [o.to_dict() for o in self.calendar_overrides],
            "sites": [dict(s) for s in self.sites],
            "address_map": self.address_map.to_list(),
            "unit": dict(self.unit),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


def _time_limit_to_dict(tl: TimeLimit) -> dict[str, Any]:
    out: dict[str, Any] = {
        "unit": tl.unit,
        "value": tl.value,
        "cutoff": f"{tl.cutoff:%H:%M}" if tl.cutoff else None,
        "text": tl.text,
    }
    if tl.variants:
        out["variants"] = [{**_time_limit_to_dict(v.limit), "when": dict(v.when)}
                           for v in tl.variants]
    return out


def _procedure_to_dict(p: Procedure) -> dict[str, Any]:
    return {
        "code": p.code,
        "name": p.name,
        "field_code": p.field_code,
        "field": p.field,
        "time_limit": _time_limit_to_dict(p.time_limit),
        "fee": {
            "text": p.fee.text,
            "rules": [
                {
                    **{k: v for k, v in dataclasses.asdict(r).items()
                       if k not in ("tiers", "when")},
                    "tiers": [list(t) for t in r.tiers],
                    "when": dict(r.when),
                }
                for r in p.fee.rules
            ],
            "exemptions": list(p.fee.exemptions),
        },
        "components": [dataclasses.asdict(c) for c in p.components],
        "form": [{**dataclasses.asdict(f), "options": list(f.options)} for f in p.form],
        "result": p.result,
        "note": p.note,
    }


# --- loading -------------------------------------------------------------------------------------


class _Reader:
    """Typed access to one JSON object, with errors that say where."""

    def __init__(self, raw: Any, where: str, allowed: set[str]) -> None:
        if not isinstance(raw, dict):
            raise CatalogueError(f"{where}: expected an object")
        unknown = sorted(set(raw) - allowed)
        if unknown:
            raise CatalogueError(f"{where}: unknown field {unknown[0]!r}")
        self.raw = raw
        self.where = where

    def fail(self, key: str, expected: str) -> CatalogueError:
        return CatalogueError(f"{self.where}: {key}: {expected}")

    def text(self, key: str, default: str | None = None, *, nonempty: bool = True) -> str:
        if key not in self.raw or self.raw[key] is None:
            if default is None:
                raise self.fail(key, "missing")
            return default
        v = self.raw[key]
        if not isinstance(v, str):
            raise self.fail(key, "expected text")
        if nonempty and not v.strip():
            raise self.fail(key, "must not be empty")
        if not unicodedata.is_normalized("NFC", v):
            raise self.fail(key, "text must be Unicode NFC")
        return v

    def opt_text(self, key: str) -> str | None:
        return None if self.raw.get(key) is None else self.text(key)

    def integer(self, key: str, default: int | None = None, lo: int = 0, hi: int = 10**9) -> int:
        v = self.raw.get(key, default)
        if v is None:
            raise self.fail(key, "missing")
        if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
            raise self.fail(key, f"expected a whole number from {lo} to {hi}")
        return v

    def opt_integer(self, key: str, lo: int = 0, hi: int = 10**9) -> int | None:
        return None if self.raw.get(key) is None else self.integer(key, lo=lo, hi=hi)

    def boolean(self, key: str, default: bool) -> bool:
        v = self.raw.get(key, default)
        if not isinstance(v, bool):
            raise self.fail(key, "expected true or false")
        return v

    def one_of(
        self, key: str, allowed: tuple[str, ...] | dict[str, str], default: str | None = None
    ) -> str:
        v = self.raw.get(key, default)
        if not isinstance(v, str) or v not in allowed:
            raise self.fail(key, f"expected one of {', '.join(allowed)}, got {v!r}")
        return v

    def items(self, key: str, *, nonempty: bool = False) -> list[Any]:
        v = self.raw.get(key, [])
        if not isinstance(v, list):
            raise self.fail(key, "expected a list")
        if nonempty and not v:
            raise self.fail(key, "must not be empty")
        return v


def _load_component(raw: Any, where: str) -> Component:
    r = _Reader(raw, where, {f.name for f in dataclasses.fields(Component)})
    code = r.text("code")
    if not _CODE_RE.fullmatch(code):
        raise r.fail("code", "expected 1–40 letters, digits, '.', '_' or '-'")
    c = Component(
        code=code,
        name=r.text("name"),
        paper=r.one_of("paper", PAPER_KINDS, "original"),
        required=r.boolean("required", True),
        quantity=r.integer("quantity", 1, lo=1, hi=20),
        min_pages=r.integer("min_pages", 1, lo=0, hi=200),
        max_pages=r.integer("max_pages", 10, lo=1, hi=200),
        digitise=r.boolean("digitise", True),
        note=r.text("note", "", nonempty=False),
    )
    if c.min_pages > c.max_pages:
        raise r.fail("max_pages", f"must be at least min_pages ({c.min_pages})")
    return c


def _load_field(raw: Any, where: str) -> FormField:
    r = _Reader(raw, where, {f.name for f in dataclasses.fields(FormField)})
    name = r.text("name")
    if not _NAME_RE.fullmatch(name):
        raise r.fail("name", "expected snake_case ASCII, e.g. ho_ten")
    ftype = r.one_of("type", FIELD_TYPES, "text")
    options = r.items("options")
    if not all(isinstance(o, str) and o.strip() for o in options):
        raise r.fail("options", "expected a list of non-empty texts")
    if ftype == "choice" and not options:
        raise r.fail("options", "a choice field needs options")
    pattern = r.opt_text("pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise r.fail("pattern", f"not a valid regular expression ({exc})") from None
    prefill = r.raw.get("prefill")
    if prefill is not None and prefill not in PREFILL_SOURCES:
        raise r.fail("prefill", f"expected one of {', '.join(PREFILL_SOURCES)}, got {prefill!r}")
    return FormField(
        name=name,
        label=r.text("label"),
        type=ftype,
        required=r.boolean("required", True),
        max_length=r.integer("max_length", 200, lo=1, hi=2000),
        pattern=pattern,
        pattern_hint=r.text("pattern_hint", "", nonempty=False),
        options=tuple(options),
        prefill=prefill,
        help=r.text("help", "", nonempty=False),
    )


def _load_when(r: _Reader) -> tuple[tuple[str, str], ...]:
    when = r.raw.get("when") or {}
    if not isinstance(when, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v for k, v in when.items()):
        raise r.fail("when", "expected an object of form field → chosen option")
    return tuple(when.items())


def _load_time_limit(raw: Any, where: str, *, variant: bool = False) -> TimeLimit:
    keys = {"unit", "value", "cutoff", "text"} | ({"when"} if variant else {"variants"})
    r = _Reader(raw, where, keys)
    unit = r.one_of("unit", TIME_UNITS)
    if unit in ("working_days", "calendar_days"):
        value = r.integer("value", lo=1, hi=365)
    else:
        value = r.integer("value", 0, lo=0, hi=0)
    cutoff_s = r.opt_text("cutoff")
    cutoff = None
    if cutoff_s is not None:
        try:
            cutoff = dt.time.fromisoformat(cutoff_s)
        except ValueError:
            raise r.fail("cutoff", f"expected HH:MM, got {cutoff_s!r}") from None
        if unit in ("none", "calendar_days"):
            raise r.fail("cutoff", f"a cut-off has no meaning for unit {unit}")
    variants = tuple(
        TimeVariant(_load_when(_Reader(v, f"{where}.variants[{i}]", keys | {"when"})),
                    _load_time_limit(v, f"{where}.variants[{i}]", variant=True))
        for i, v in enumerate(r.items("variants")))
    if any(not v.when for v in variants):
        raise r.fail("variants", "each variant needs a 'when'")
    return TimeLimit(unit=unit, value=value, cutoff=cutoff, text=r.text("text"),
                     variants=variants)


def _load_fee(raw: Any, where: str) -> Fee:
    r = _Reader(raw, where, {"text", "rules", "exemptions"})
    rules = []
    for i, item in enumerate(r.items("rules")):
        rr = _Reader(
            item,
            f"{where}.rules[{i}]",
            {"kind", "amount", "per", "tiers", "max_amount", "condition", "when"},
        )
        when = _load_when(rr)
        kind = rr.one_of("kind", FEE_KINDS)
        tiers = []
        for j, t in enumerate(rr.items("tiers", nonempty=kind == "per_page")):
            ok = (
                isinstance(t, list)
                and len(t) == 3
                and isinstance(t[0], int)
                and t[0] >= 1
                and (t[1] is None or (isinstance(t[1], int) and t[1] >= t[0]))
                and isinstance(t[2], int)
                and t[2] >= 0
            )
            if not ok:
                raise rr.fail(f"tiers[{j}]", "expected [first page, last page or null, VND]")
            tiers.append((t[0], t[1], t[2]))
        amount = rr.opt_integer("amount")
        if kind == "fixed" and amount is None:
            raise rr.fail("amount", "a fixed fee needs an amount")
        rules.append(
            FeeRule(
                kind=kind,
                amount=amount,
                per=rr.one_of("per", FEE_PER, "dossier"),
                tiers=tuple(tiers),
                max_amount=rr.opt_integer("max_amount"),
                condition=rr.text("condition", "", nonempty=False),
                when=when,
            )
        )
    exemptions = r.items("exemptions")
    if not all(isinstance(e, str) and e.strip() and e != NOT_EXEMPT for e in exemptions):
        raise r.fail("exemptions", "expected a list of group names")
    return Fee(text=r.text("text"), rules=tuple(rules), exemptions=tuple(exemptions))


def _check_questions(p: Procedure, where: str) -> None:
    """The form asks what the fee rules and the result delivery depend on, with matching options."""
    def fail(msg: str) -> CatalogueError:
        return CatalogueError(f"{where}: {msg}")

    def choice(name: str) -> FormField:
        f = p.form_field(name)
        if f is None or f.type != "choice":
            raise fail(f"form: a choice field {name!r} is needed")
        return f

    if p.fee.exemptions:
        asked = choice(EXEMPTION_FIELD).options
        if asked != (*p.fee.exemptions, NOT_EXEMPT):
            raise fail(f"form: {EXEMPTION_FIELD}: options must be the fee's exemptions, then "
                       f"{NOT_EXEMPT!r}")
    selectors = [(f"fee.rules[{i}]", r.when) for i, r in enumerate(p.fee.rules)]
    selectors += [(f"time_limit.variants[{i}]", v.when)
                  for i, v in enumerate(p.time_limit.variants)]
    for at, when in selectors:
        for name, value in when:
            if value not in choice(name).options:
                raise fail(f"{at}: when: {value!r} is not an option of {name!r}")
    if p.form_field(DELIVERY_FIELD) is not None:
        options = choice(DELIVERY_FIELD).options
        bad = next((o for o in options if o not in DELIVERIES), None)
        if bad is not None:
            raise fail(f"form: {DELIVERY_FIELD}: unknown option {bad!r}; "
                       f"expected some of {', '.join(DELIVERIES)}")
        postal = any(DELIVERIES[o].code == "buu_chinh" for o in options)
        if postal and p.form_field(POSTAL_ADDRESS_FIELD) is None:
            raise fail(f"form: postal delivery needs a {POSTAL_ADDRESS_FIELD!r} field")


def _load_procedure(raw: Any, index: int) -> Procedure:
    code = raw.get("code") if isinstance(raw, dict) else None
    where = f"procedure {code}" if isinstance(code, str) and code else f"procedures[{index}]"
    r = _Reader(raw, where, {f.name for f in dataclasses.fields(Procedure)})
    code = r.text("code")
    if not _CODE_RE.fullmatch(code):
        raise r.fail("code", "expected a procedure code such as 1.001193")
    components = tuple(
        _load_component(c, f"{where}: components[{i}]")
        for i, c in enumerate(r.items("components", nonempty=True))
    )
    form = tuple(_load_field(f, f"{where}: form[{i}]") for i, f in enumerate(r.items("form")))
    for what, names in (
        ("components", [c.code for c in components]),
        ("form", [f.name for f in form]),
    ):
        dup = next((n for n in names if names.count(n) > 1), None)
        if dup:
            raise r.fail(what, f"duplicate {dup!r}")
    procedure = Procedure(
        code=code,
        name=r.text("name"),
        field_code=r.text("field_code"),
        field=r.text("field"),
        time_limit=_load_time_limit(r.raw.get("time_limit"), f"{where}: time_limit"),
        fee=_load_fee(r.raw.get("fee"), f"{where}: fee"),
        components=components,
        form=form,
        result=r.text("result", "", nonempty=False),
        note=r.text("note", "", nonempty=False),
    )
    _check_questions(procedure, where)
    return procedure


def load_catalogue(data: Mapping[str, Any]) -> Catalogue:
    """A checked Catalogue from its JSON form; raises CatalogueError naming procedure and field."""
    r = _Reader(
        dict(data) if isinstance(data, Mapping) else data,
        "catalogue",
        {"schema", "version", "published", "procedures", "calendar_overrides", "sites",
         "address_map", "unit"},
    )
    if r.raw.get("schema", SCHEMA) != SCHEMA:
        raise r.fail("schema", f"this kiosk reads schema {SCHEMA}, got {r.raw.get('schema')!r}")
    version = r.text("version")
    procedures = tuple(
        _load_procedure(p, i) for i, p in enumerate(r.items("procedures", nonempty=True))
    )
    codes = [p.code for p in procedures]
    dup = next((c for c in codes if codes.count(c) > 1), None)
    if dup:
        raise CatalogueError(f"procedure {dup}: code: listed twice")
    try:
        overrides = parse_overrides(r.items("calendar_overrides"), "catalogue: calendar_overrides")
    except CalendarError as exc:
        raise CatalogueError(str(exc)) from None
    sites = r.items("sites")
    if not all(isinstance(s, dict) for s in sites):
        raise r.fail("sites", "expected a list of objects")
    try:
        addresses = load_address_map(r.items("address_map"), "catalogue: address_map")
    except AddressMapError as exc:
        raise CatalogueError(str(exc)) from None
    return Catalogue(
        version=version,
        procedures=procedures,
        calendar_overrides=overrides,
        published=r.text("published", "", nonempty=False),
        sites=tuple(sites),
        address_map=addresses,
        unit=_load_unit(r.raw.get("unit") or {}),
    )


UNIT_KEYS = ("unit_code", "unit_name", "parent_body", "place")
"""``[kiosk]`` keys the gateway's catalogue may state for this kiosk's receiving unit."""


def _load_unit(raw: Any) -> tuple[tuple[str, str], ...]:
    r = _Reader(raw, "catalogue: unit", set(UNIT_KEYS))
    unit = tuple((k, r.text(k)) for k in UNIT_KEYS if k in r.raw)
    code = dict(unit).get("unit_code")
    if code is not None and not re.fullmatch(r"[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*", code):
        raise r.fail("unit_code", "letters/digits separated by dots, e.g. 000.00.00.H56")
    return unit


def load_catalogue_json(text: str | bytes) -> Catalogue:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"catalogue: not valid JSON ({exc})") from None
    return load_catalogue(data)


def default_catalogue() -> Catalogue:
    """The catalogue shipped with the code (``appliance/domain/data/catalogue.json``)."""
    text = (
        resources.files("appliance.domain")
        .joinpath("data/catalogue.json")
        .read_text(encoding="utf-8")
    )
    return load_catalogue_json(text)


def version_key(version: str) -> tuple[int, ...]:
    """Versions are dot-separated numbers (``2026.11.29`` or ``2026.11.29.2``)."""
    try:
        return tuple(int(p) for p in version.split("."))
    except ValueError:
        return ()


def is_newer(candidate: Catalogue, current: Catalogue) -> bool:
    """True when ``candidate`` should replace ``current`` (a strictly higher version)."""
    return version_key(candidate.version) > version_key(current.version)


__all__ = [
    "DELIVERIES",
    "DELIVERY_FIELD",
    "EXEMPTION_FIELD",
    "NOT_EXEMPT",
    "POSTAL_ADDRESS_FIELD",
    "Catalogue",
    "CatalogueError",
    "Component",
    "Delivery",
    "Fee",
    "FeeQuote",
    "FeeRule",
    "FormField",
    "Procedure",
    "TimeLimit",
    "default_catalogue",
    "is_newer",
    "load_catalogue",
    "load_catalogue_json",
    "version_key",
]
