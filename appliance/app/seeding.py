"""Synthetic finalized dossiers: the one generator behind ``kiosk seed``, the sync tests and bench/.

Every dossier goes through the real ``finalize`` (sealing, signing, durable blobs) for an invented
citizen. Names and addresses are drawn across the whole Vietnamese alphabet (every vowel with
every tone mark appears among them) so that encoders, fonts and decoders meet the hard letters; ID
numbers follow the card layout (province, century/sex digit, birth year) but belong to nobody.

Pages come in two kinds because the callers need different things from them:

- :func:`random_pages`: random bytes behind a PDF header, incompressible like scans and instant;
  for the sync tests and ``bench/sync.py``, where only the bytes on the wire matter.
- :func:`rendered_pages`: a small pool of rendered, processed A4 JPEGs (~0.3 s each to make); for
  ``kiosk seed`` and demos, where staff and the gateway sim look at the pages.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from appliance.app import runtime
from appliance.config import GatewaySection, KioskConfig, KioskSection
from appliance.domain.catalogue import Procedure
from appliance.domain.dossier import Draft, Page
from appliance.domain.identity import Identity, IdentitySource
from appliance.store import Store
from appliance.submission import FinalizeContext, FinalizeResult, finalize

KHAI_SINH = "1.001193"
"""Đăng ký khai sinh: the sync tests' default procedure."""

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Ông", "Ứng", "Lương", "Thạch", "Quách", "Ỷ")
MIDDLE_M = ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Công", "Xuân", "Đình", "Ngọc")
MIDDLE_F = ("Thị", "Ngọc", "Thu", "Kim", "Mỹ", "Thùy", "Diễm", "Bích", "Tuyết", "Quỳnh")
GIVEN_M = ("Hùng", "Dũng", "Khải", "Lộc", "Nghĩa", "Thắng", "Tuấn", "Vĩnh", "Ấn", "Quyết", "Sỹ",
           "Khôi", "Toản", "Hưởng", "Trọng", "Luỹ", "Ẩn", "Ỵ")
GIVEN_F = ("Hằng", "Ánh", "Ngọc", "Huyền", "Nguyệt", "Ỷ", "Oanh", "Thảo", "Yến", "Ượng", "Phượng",
           "Xuyến", "Nhữ", "Ẽm", "Quế", "Trinh", "Gấm", "Ửng")
HAMLETS = ("Thôn Đông", "Thôn Thượng", "Ấp Mỹ Hòa", "Bản Nà Ư", "Xóm Ổ Gà", "Làng Ễnh Ương",
           "Tổ dân phố Số 7", "Khóm Ỷ Lan")
COMMUNES = ("xã Yên Sở", "xã Quảng Phú", "phường Bến Thành", "xã Đắk Rơ Ông", "xã Ẳng Nưa",
            "thị trấn Phố Lu", "xã Hữu Lũng", "phường Ngọc Khánh")
PROVINCES = ("Hà Nội", "Thanh Hóa", "TP. Hồ Chí Minh", "Kon Tum", "Điện Biên", "Lào Cai",
             "Lạng Sơn", "Thừa Thiên Huế", "Bà Rịa - Vũng Tàu")
PROVINCE_CODES = ("001", "038", "079", "062", "011", "010", "020", "046", "077")

PageSource = Callable[[random.Random], Page]
"""Makes one page for a dossier, drawing on the generator's random stream."""


def person(rng: random.Random) -> Identity:
    """One invented citizen, as the chip-card QR would describe them."""
    female = rng.random() < 0.5
    name = " ".join((rng.choice(FAMILY), rng.choice(MIDDLE_F if female else MIDDLE_M),
                     rng.choice(GIVEN_F if female else GIVEN_M)))
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 66))
    century_sex = (0 if birth.year < 2000 else 2) + (1 if female else 0)
    province = rng.randrange(len(PROVINCES))
    id_number = (
        f"{PROVINCE_CODES[province]}{century_sex}{birth.year % 100:02d}{rng.randrange(10**6):06d}"
    )
    address = (
        f"{rng.choice(HAMLETS)}, {rng.choice(COMMUNES)}, {PROVINCES[province]}"
        if rng.random() < 0.7
        else f"Số {rng.randrange(1, 300)}, ngõ {rng.randrange(1, 90)}, "
        f"{rng.choice(COMMUNES)}, {PROVINCES[province]}"
    )
    issued = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 4))
    old_id = f"{rng.randrange(10**9):09d}" if rng.random() < 0.4 else ""
    sex = "Nữ" if female else "Nam"
    raw = "|".join((id_number, old_id, name, birth.strftime("%d%m%Y"), sex, address,
                    issued.strftime("%d%m%Y")))
    return Identity(id_number=id_number, full_name=name, birth_date=birth, sex=sex,
                    address=address, issue_date=issued, old_id_number=old_id or None,
                    source=IdentitySource.CARD_QR, raw=raw)


def phone(rng: random.Random) -> str:
    return "09" + "".join(str(rng.randrange(10)) for _ in range(8))


def random_pages(size: int) -> PageSource:
    """Fast pages: ``size`` random bytes behind a PDF header (incompressible, like scans)."""
    return lambda rng: Page(b"%PDF-1.4\n" + rng.randbytes(size))


def rendered_pages(pool_size: int, seed: int) -> PageSource:
    """Real-looking pages: a pool of ``pool_size`` rendered, processed A4 JPEGs drawn at random
    (rendered on first use, so asking for no pages costs nothing)."""
    pool: list[bytes] = []

    def page(rng: random.Random) -> Page:
        if not pool:
            from hw.pages import process_page
            from hw.scanner.synthetic import page_text, render_page

            pool.extend(process_page(render_page(page_text(seed + i), dpi=150, seed=seed + i))
                        for i in range(pool_size))
        return Page(rng.choice(pool), "image/jpeg")

    return page


def draft(rng: random.Random, procedure: Procedure, *, pages: int, page_source: PageSource,
          number: int = 0) -> Draft:
    """A complete draft for ``procedure``: required form fields filled (from the card where the
    catalogue says so), ``pages`` pages spread over its required components."""
    identity = person(rng)
    components = [c.code for c in procedure.components if c.required] or [
        c.code for c in procedure.components]
    scans: dict[str, list[Page]] = {}
    for i in range(pages):
        scans.setdefault(components[i % len(components)], []).append(page_source(rng))
    form = {f.name: identity.prefill_text(f.prefill) if f.prefill
            else f.options[0] if f.options else f"Mẫu {number}"
            for f in procedure.form if f.required}
    return Draft(procedure.code, identity, form, scans, phone=phone(rng))


def dossiers(store: Store, ctx: FinalizeContext, procedures: Sequence[Procedure], count: int, *,
             pages: int = 3, page_source: PageSource, seed: int = 0) -> Iterator[FinalizeResult]:
    """Finalize ``count`` synthetic dossiers one by one (a refusal propagates; those before it are
    committed). The same ``seed`` gives the same people, procedures and pages."""
    rng = random.Random(seed)
    for number in range(count):
        procedure = rng.choice(procedures)
        yield finalize(store, draft(rng, procedure, pages=pages, page_source=page_source,
                                    number=number), ctx)


def seed(data_dir: Path, portal_public_key_b64: str, count: int, *, pages: int = 3,
         page_size: int = 10_000, seed: int = 0, procedure_code: str = KHAI_SINH,
         kiosk_id: str = "K01") -> list[FinalizeResult]:
    """``count`` dossiers of one procedure with fast random pages into the store at ``data_dir``
    (its own device key, the shipped catalogue): what the sync tests and ``bench/sync.py`` need."""
    config = KioskConfig(
        kiosk=KioskSection(id=kiosk_id, unit_code="000.00.00.H56", data_dir=str(data_dir)),
        gateway=GatewaySection(portal_public_key=portal_public_key_b64),
    )
    store = Store.open(data_dir)
    try:
        catalogue = runtime.current_catalogue(store)
        procedure = catalogue.get(procedure_code)
        if procedure is None:
            raise LookupError(f"procedure {procedure_code} is not in the catalogue")
        ctx = runtime.finalize_context(config, store, catalogue)
        return list(dossiers(store, ctx, [procedure], count, pages=pages,
                             page_source=random_pages(page_size), seed=seed))
    finally:
        store.close()
