"""Working calendar and due dates (reference §5): every situation named in issue 3, point 3."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.config import CalendarSection
from appliance.domain.calendar import (
    NO_DATE_VI,
    CalendarError,
    CalendarOverride,
    OverrideKind,
    WorkingCalendar,
    due_date,
    format_portal_datetime,
    format_vn_datetime,
    parse_portal_datetime,
    shipped_overrides,
)
from appliance.domain.catalogue import TimeLimit, default_catalogue

CAL = WorkingCalendar.from_config(CalendarSection())
D = dt.date
T = dt.datetime.fromisoformat


def proc(unit: str, value: int = 0, cutoff: str | None = None) -> SimpleNamespace:
    limit = TimeLimit(unit, value, dt.time.fromisoformat(cutoff) if cutoff else None, "…")
    return SimpleNamespace(code="T", name="test", time_limit=limit)


WD3 = proc("working_days", 3)
SAME = proc("same_day", cutoff="15:00")


def due(p, received: str, cal: WorkingCalendar = CAL) -> dt.datetime | None:
    return due_date(p, T(received), cal).when


# --- which days are working days ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 11, 30), True),  # an ordinary Monday
        (D(2026, 11, 28), False),  # Saturday
        (D(2026, 11, 29), False),  # Sunday
        (D(2025, 1, 1), False),  # New Year
        (D(2025, 1, 27), False),  # Tết Ất Tỵ (29 Tết)
        (D(2025, 1, 31), False),
        (D(2025, 2, 3), True),  # first working day after Tết 2025
        (D(2026, 2, 13), True),  # Friday before Tết Bính Ngọ
        (D(2026, 2, 16), False),
        (D(2026, 2, 20), False),
        (D(2026, 2, 23), True),
        (D(2025, 4, 26), True),  # Saturday worked in exchange for Fri 2/5/2025
        (D(2025, 5, 2), False),
        (D(2026, 1, 2), False),  # Friday off in exchange for Sat 10/1/2026
        (D(2026, 1, 10), True),
        (D(2026, 4, 27), False),  # Giỗ Tổ fell on Sunday 26/4/2026: Monday off
        (D(2026, 8, 22), True),  # Saturday worked in exchange for Mon 31/8/2026
        (D(2026, 8, 31), False),
        (D(2025, 9, 1), False),  # the day added to National Day 2025
        (D(2026, 9, 1), False),  # the day added to National Day 2026
        (D(2026, 9, 2), False),
        (D(2026, 9, 3), True),
    ],
)
def test_working_days(day, working):
    assert CAL.is_working_day(day) is working


def test_holiday_names_including_a_holiday_on_a_sunday():
    assert CAL.holiday_name(D(2026, 4, 26)) == "Ngày Giỗ Tổ Hùng Vương"  # Sunday
    assert CAL.holiday_name(D(2026, 4, 27)).startswith("Nghỉ bù Giỗ Tổ Hùng Vương")
    assert CAL.holiday_name(D(2026, 11, 28)) is None  # plain Saturday
    assert CAL.holiday_name(D(2026, 11, 30)) is None  # working day


def test_beyond_the_table_the_package_decides():
    assert not CAL.is_working_day(D(2027, 2, 8))  # Tết Đinh Mùi 2027
    assert CAL.holiday_name(D(2027, 2, 8)) == "Mùng ba Tết Nguyên Đán"
    assert CAL.is_working_day(D(2027, 2, 15))


def test_package_alone_misses_the_swapped_saturdays():
    """Why the override table exists: the package lists days off, never an extra working day."""
    bare = WorkingCalendar(use_holidays_package=True)
    assert not bare.is_working_day(D(2025, 4, 26))
    assert not bare.is_working_day(D(2026, 1, 10))
    assert bare.is_working_day(D(2026, 1, 2))  # and it lacks the 2026 New Year swap
    assert CAL.is_working_day(D(2025, 4, 26)) and not CAL.is_working_day(D(2026, 1, 2))


def test_shipped_table_agrees_with_holidays_package():
    """Review aid: every weekday the package gives off in 2025–2026 is off in the table, and the
    table's extra days off are exactly the known swaps the package lacks."""
    table = {o.date: o for o in shipped_overrides()}
    for year in (2025, 2026):
        for day in holidays.country_holidays("VN", years=year):
            if day.weekday() < 5:
                assert table[day].kind is OverrideKind.HOLIDAY, day
    extra = {
        d
        for d, o in table.items()
        if o.kind is OverrideKind.HOLIDAY and d not in holidays.country_holidays("VN", years=d.year)
    }
    assert extra == {D(2026, 1, 2)}


def test_later_override_layer_wins():
    cal = WorkingCalendar.from_config(
        CalendarSection(),
        overrides=[CalendarOverride(D(2026, 11, 24), OverrideKind.NOT_HOLIDAY, "gỡ")],
    )
    assert not CAL.is_working_day(D(2026, 11, 24))
    assert cal.is_working_day(D(2026, 11, 24))


def test_technician_overrides_file(tmp_path):
    path = tmp_path / "extra.toml"
    path.write_text(
        '[[override]]\ndate = 2026-12-07\nkind = "holiday"\nname = "Lễ hội xã"\n', encoding="utf-8"
    )
    cal = WorkingCalendar.from_config(CalendarSection(overrides_file=str(path)))
    assert not cal.is_working_day(D(2026, 12, 7))
    assert cal.holiday_name(D(2026, 12, 7)) == "Lễ hội xã"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[override]]\ndate = 2026-12-07\nkind = "party"\n', "[0]: kind"),
        ('[[override]]\ndate = "7/12/2026"\nkind = "holiday"\n', "[0]: date"),
        ('[[override]]\ndate = 2026-12-07\nkind = "holiday"\nwhy = 1\n', "unknown key 'why'"),
        ("[[override]\n", "not valid TOML"),
        ("x = " + "[" * 20_000 + "]" * 20_000 + "\n", "nested too deep"),
        ("x = '" + "a" * (2 * 1024 * 1024) + "'\n", "larger than the 1048576 allowed"),
    ],
)
def test_bad_overrides_file(tmp_path, text, message):
    path = tmp_path / "extra.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CalendarError, match=re.escape(message)):
        WorkingCalendar.from_config(CalendarSection(overrides_file=str(path)))


@pytest.mark.parametrize("hours", [["07:00-11:30", "11:00-17:00"], ["17:00-07:00"], ["7h-11h"], []])
def test_bad_office_hours(hours):
    with pytest.raises(CalendarError):
        WorkingCalendar(hours)


# --- due dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        ("2026-11-30 09:00", "2026-12-03 09:00"),  # inside hours: exact working-hour count
        ("2026-11-30 06:15", "2026-12-02 17:00"),  # before opening: from 07:00 → end of 3rd day
        ("2026-11-30 12:10", "2026-12-03 11:30"),  # lunch: from 13:30; 24 h end at 11:30
        ("2026-11-30 17:00", "2026-12-03 17:00"),  # at closing: from next morning
        ("2026-11-30 21:45", "2026-12-03 17:00"),
        ("2026-11-28 10:00", "2026-12-02 17:00"),  # Saturday: from Monday 07:00
        ("2026-11-29 10:00", "2026-12-02 17:00"),  # Sunday
        ("2026-02-13 16:00", "2026-02-25 16:00"),  # Friday before Tết Bính Ngọ: 9 days skipped
        ("2026-02-18 10:00", "2026-02-25 17:00"),  # during Tết: from Mon 23/2 07:00
        ("2025-04-25 10:00", "2025-04-29 10:00"),  # counts the swapped Saturday 26/4/2025
        ("2025-04-29 09:00", "2025-05-07 09:00"),  # 30/4, 1/5, 2/5 (swap) off
        ("2026-08-28 10:00", "2026-09-07 10:00"),  # 31/8 swap, 1/9 added day, 2/9
        ("2026-04-24 10:00", "2026-05-04 10:00"),  # Giỗ Tổ Sunday → Mon 27/4 off; 30/4, 1/5
        ("2026-01-09 09:00", "2026-01-13 09:00"),  # Saturday 10/1/2026 is worked
    ],
)
def test_working_days_due(received, expected):
    assert due(WD3, received) == T(expected)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        ("2026-11-30 08:00", "2026-11-30 17:00"),
        ("2026-11-30 06:30", "2026-11-30 17:00"),  # before opening, same day
        ("2026-11-30 12:00", "2026-11-30 17:00"),  # lunch, before the cut-off
        ("2026-11-30 14:59", "2026-11-30 17:00"),
        ("2026-11-30 15:00", "2026-12-01 17:00"),  # at the cut-off → next working day
        ("2026-11-30 16:30", "2026-12-01 17:00"),
        ("2026-11-30 19:00", "2026-12-01 17:00"),
        ("2026-11-27 15:30", "2026-11-30 17:00"),  # Friday after cut-off → Monday
        ("2026-11-28 09:00", "2026-11-30 17:00"),  # Saturday → Monday
        ("2025-04-25 15:30", "2025-04-26 17:00"),  # → the swapped working Saturday
        ("2026-02-13 15:30", "2026-02-23 17:00"),  # after cut-off before Tết → after Tết
    ],
)
def test_same_day_due(received, expected):
    assert due(SAME, received) == T(expected)


def test_cutoff_applies_to_working_days_too():
    p = proc("working_days", 1, cutoff="16:00")
    assert due(p, "2026-11-30 15:59") == T("2026-12-01 15:59")
    assert due(p, "2026-11-30 16:00") == T("2026-12-01 17:00")


@pytest.mark.parametrize(
    ("received", "days", "expected"),
    [
        ("2026-11-30 09:00", 10, "2026-12-10 17:00"),
        ("2026-11-30 09:00", 5, "2026-12-07 17:00"),  # ends on Saturday 5/12 → Monday
        ("2026-08-27 09:00", 5, "2026-09-03 17:00"),  # ends Tue 1/9 (holiday) → Thu 3/9
        ("2026-11-28 09:00", 1, "2026-11-30 17:00"),  # received Saturday, ends Sunday → Monday
    ],
)
def test_calendar_days_due(received, days, expected):
    assert due(proc("calendar_days", days), received) == T(expected)


def test_no_statutory_date():
    result = due_date(proc("none"), T("2026-11-30 09:00"), CAL)
    assert result.when is None
    assert result.text_vi == NO_DATE_VI
    assert result.portal is None
    assert any(NO_DATE_VI in s for s in result.steps)


def test_saturday_reception_hours_do_not_count():
    cal = WorkingCalendar(saturday_hours=["07:30-11:30"], overrides=shipped_overrides())
    assert cal.is_open(T("2026-11-28 08:00"))
    assert not cal.is_open(T("2026-11-28 12:00"))
    assert not cal.is_open(T("2026-11-29 08:00"))
    assert due(SAME, "2026-11-28 08:00", cal) == T("2026-11-30 17:00")


def test_custom_office_hours_change_the_day_length():
    cal = WorkingCalendar(["07:30-11:30", "13:00-16:30"], overrides=shipped_overrides())
    assert cal.day_length == dt.timedelta(hours=7, minutes=30)
    assert due(proc("working_days", 1), "2026-11-30 07:30", cal) == T("2026-11-30 16:30")
    assert due(proc("working_days", 1), "2026-11-30 11:00", cal) == T("2026-12-01 11:00")


def test_aware_times_are_converted_to_local():
    utc = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hà Nội
    assert due_date(WD3, utc, CAL).when == T("2026-12-03 09:00")


def test_steps_explain_the_skipped_days():
    steps = due_date(WD3, T("2026-02-13 16:00"), CAL).steps
    text = "\n".join(steps)
    assert "Tết Nguyên đán Bính Ngọ" in text
    assert "24 working hours" in text
    assert steps[-1] == "Due Wed 25/02/2026 16:00"


def test_every_catalogue_procedure_has_a_due_date():
    for p in default_catalogue().procedures:
        result = due_date(p, T("2026-11-30 10:00"), CAL)
        assert result.when is None or result.when >= T("2026-11-30 10:00"), p.code


def test_formats():
    when = T("2026-02-25 07:05:09")
    assert format_vn_datetime(when) == "07 giờ 05 phút, ngày 25/02/2026"
    assert format_portal_datetime(when) == "20260225070509"
    assert parse_portal_datetime("20260225070509") == when
    with pytest.raises(ValueError):
        parse_portal_datetime("2026-02-25")


# --- properties --------------------------------------------------------------------------------

receipts = st.datetimes(min_value=dt.datetime(2024, 12, 1), max_value=dt.datetime(2027, 1, 31))
procedures = st.one_of(
    st.builds(
        lambda n, c: proc("working_days", n, c),
        st.integers(1, 30),
        st.sampled_from([None, "15:00", "11:00"]),
    ),
    st.builds(lambda n: proc("calendar_days", n), st.integers(1, 60)),
    st.sampled_from([SAME, proc("same_day")]),
)


@settings(max_examples=300, deadline=None)
@given(procedures, receipts)
def test_due_never_before_receipt_never_on_a_day_off(p, received):
    when = due_date(p, received, CAL).when
    assert when is not None
    assert when >= received
    assert CAL.is_working_day(when.date())
    first, last = CAL.office_hours[0].start, CAL.office_hours[-1].end
    assert first <= when.time() <= last


@settings(max_examples=300, deadline=None)
@given(
    procedures, receipts, st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=20))
)
def test_due_is_monotonic_in_receipt_time(p, received, later):
    assert due_date(p, received, CAL).when <= due_date(p, received + later, CAL).when
