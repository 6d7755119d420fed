"""A citizen finishes a khai sinh dossier by taps alone, in at most 50 of them (issue 13)."""

from __future__ import annotations

from .citizen import BIRTH_DATE, BIRTH_PLACE, CHILD_NAME, Citizen, table
from .harness import Driver
from .test_journey import page

MAX_TOUCHES = 50
"""Issue 13's acceptance: 69 touches at best before, at most 50 after (keys included)."""


def test_khai_sinh_by_taps_only_within_fifty(ui: Driver) -> None:
    scanner = ui.app.services.devices.scanner
    sheets = iter(range(1, 10))
    citizen = Citizen(ui)
    taps_before = ui.taps
    code = citizen.khai_sinh(lambda: scanner.feed([page(next(sheets))]))
    print("\n" + table(citizen.count))
    assert ui.taps - taps_before == citizen.count.total  # every touch made is counted
    assert citizen.count.total <= MAX_TOUCHES, table(citizen.count)
    record = ui.app.services.store.find_by_code(code)
    assert record is not None and record.procedure_code == "1.001193"
    form = ui.app.session.form
    assert (form["tre_ho_ten"], form["tre_ngay_sinh"], form["tre_noi_sinh"]) == (
        CHILD_NAME, BIRTH_DATE, BIRTH_PLACE)
    assert form["nguoi_yeu_cau_ho_ten"] == "Nguyễn Thị Mẫu"  # from the card, not asked
