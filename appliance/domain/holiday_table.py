"""Vietnam's statutory holidays for a range of years, as a table generated from ``holidays``.

Why a table: importing ``holidays`` loads all of its ~300 country modules, about 12 MB of resident
memory in the touch UI on a board with 1–2 GB, for the 14 or so dates a year it needs.
The table is generated from the package and ``tests/domain/test_holiday_table.py`` fails as soon
as an installed ``holidays`` disagrees with it; years outside the table fall back to the package.

Regenerate after a ``holidays`` upgrade (and review the diff)::

    python -m appliance.domain.holiday_table
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from functools import cache
from importlib import resources
from pathlib import Path

FIRST_YEAR, LAST_YEAR = 2024, 2045
"""The years the shipped table covers: a kiosk's service life, with room either side."""
_TABLE = "data/vn-holidays.json"


def from_package(year: int) -> dict[dt.date, str]:
    """The ``holidays`` package's days off in Vietnam for ``year``, named in Vietnamese."""
    import holidays  # heavy: only for years outside the table, tests and regeneration

    return dict(holidays.country_holidays("VN", years=year, language="vi").items())


@cache
def _shipped() -> dict[int, dict[dt.date, str]]:
    data = json.loads(resources.files("appliance.domain").joinpath(_TABLE)
                      .read_text(encoding="utf-8"))
    table: dict[int, dict[dt.date, str]] = {}
    for year, days in data["years"].items():
        table[int(year)] = {dt.date.fromisoformat(d): name for d, name in days.items()}
    return table


def holidays_of(year: int) -> dict[dt.date, str]:
    """Vietnam's days off for ``year``: from the shipped table, else from the package."""
    table = _shipped()
    return dict(table[year]) if year in table else from_package(year)


def generate(first: int = FIRST_YEAR, last: int = LAST_YEAR) -> dict[str, object]:
    """The table's JSON document for ``first..last`` from the installed package."""
    import holidays

    years = {str(y): {d.isoformat(): name for d, name in sorted(from_package(y).items())}
             for y in range(first, last + 1)}
    return {"generated_from": f"holidays {holidays.__version__}, country VN, language vi",
            "years": years}


def main() -> int:
    target = Path(__file__).with_name("data") / "vn-holidays.json"
    target.write_text(json.dumps(generate(), ensure_ascii=False, indent=1) + "\n",
                      encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
