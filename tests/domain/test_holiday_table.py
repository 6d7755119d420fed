"""The shipped holiday table is the ``holidays`` package's answer, frozen (holiday_table.py)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import holidays

from appliance.domain import holiday_table
from appliance.domain.holiday_table import FIRST_YEAR, LAST_YEAR, holidays_of


def test_table_matches_the_installed_package_for_every_year():
    """Fails after a ``holidays`` upgrade that changes a date or a name: regenerate and review."""
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        expected = dict(holidays.country_holidays("VN", years=year, language="vi").items())
        assert holidays_of(year) == expected, f"{year}: regenerate with holiday_table.main()"


def test_years_outside_the_table_come_from_the_package():
    year = LAST_YEAR + 1
    assert year not in holiday_table._shipped()
    got = holidays_of(year)
    assert dt.date(year, 9, 2) in got and got == holiday_table.from_package(year)


def test_the_table_answers_without_importing_holidays():
    """The reason the table exists: the touch UI must not load the package's 300 modules."""
    code = ("import sys; from appliance.domain.holiday_table import holidays_of; "
            "days = holidays_of(2026); "
            "print(len(days), any(m == 'holidays' or m.startswith('holidays.') "
            "for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count, imported = out.stdout.split()
    assert int(count) >= 10 and imported == "False"


def test_regeneration_reproduces_the_shipped_file():
    shipped = Path(holiday_table.__file__).with_name("data") / "vn-holidays.json"
    assert json.loads(shipped.read_text(encoding="utf-8")) == holiday_table.generate()
