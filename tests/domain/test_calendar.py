"""Working calendar and due dates (reference §5): every situation named in issue 3, point 3."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
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
    Confidence,
    DayCount,
    OverrideKind,
    WorkingCalendar,
    due_date,
    format_portal_datetime,
    format_vn_date_long,
    format_vn_datetime,
    parse_override,
    parse_portal_datetime,
    shipped_overrides,
)
from appliance.domain.catalogue import TimeLimit, default_catalogue

CAL = WorkingCalendar.from_config(CalendarSection())
"""The default: whole working days (Bộ luật Dân sự 2015 art. 147–148)."""
HOURS = WorkingCalendar.from_config(CalendarSection(working_day_count="working_hours"))
"""Working hours from the receipt time, as one provincial one-stop system counts."""
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
def test_working_hours_due(received, expected):
    assert due(WD3, received, HOURS) == T(expected)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        ("2026-11-30 09:00", "2026-12-03 17:00"),  # Tue, Wed, Thu: the day of receipt not counted
        ("2026-11-30 06:15", "2026-12-03 17:00"),  # before opening: still received that day
        ("2026-11-30 16:59", "2026-12-03 17:00"),
        ("2026-11-30 17:00", "2026-12-04 17:00"),  # office closed: received the next working day
        ("2026-11-28 10:00", "2026-12-03 17:00"),  # Saturday: received Monday
        ("2026-02-13 16:00", "2026-02-25 17:00"),  # Tết Bính Ngọ skipped
        ("2025-04-25 10:00", "2025-04-29 17:00"),  # the swapped Saturday 26/4/2025 counts
        ("2025-04-29 09:00", "2025-05-07 17:00"),  # 30/4, 1/5, 2/5 (swap) off
        ("2026-08-28 10:00", "2026-09-07 17:00"),  # 31/8 swap, 1/9 added day, 2/9
        ("2026-01-09 09:00", "2026-01-13 17:00"),  # Saturday 10/1/2026 is worked
    ],
)
def test_whole_days_due(received, expected):
    assert CAL.day_count is DayCount.WHOLE_DAYS
    assert due(WD3, received) == T(expected)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        ("2026-11-30 08:00", "2026-11-30 17:00"),
        ("2026-11-30 06:30", "2026-11-30 17:00"),  # before opening, same day
        ("2026-11-30 12:00", "2026-11-30 17:00"),  # lunch, before the cut-off
        ("2026-11-30 14:59", "2026-11-30 17:00"),
        ("2026-11-30 15:00", "2026-11-30 17:00"),  # exactly 15:00 is not "after 15:00"
        ("2026-11-30 15:00:59", "2026-11-30 17:00"),  # the slip prints 15 giờ 00 phút
        ("2026-11-30 15:01", "2026-12-01 17:00"),  # after the cut-off → next working day
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
    assert due(SAME, received, HOURS) == T(expected)  # same day does not depend on the count


def test_cutoff_applies_to_working_days_too():
    p = proc("working_days", 1, cutoff="16:00")
    assert due(p, "2026-11-30 15:59", HOURS) == T("2026-12-01 15:59")
    assert due(p, "2026-11-30 16:00", HOURS) == T("2026-12-01 16:00")
    assert due(p, "2026-11-30 16:01", HOURS) == T("2026-12-01 17:00")
    assert due(p, "2026-11-30 16:00") == T("2026-12-01 17:00")
    assert due(p, "2026-11-30 16:01") == T("2026-12-02 17:00")


def test_cutoff_step_says_after():
    steps = due_date(SAME, T("2026-11-30 15:01"), CAL).steps
    assert any(s.startswith("Received after the cut-off 15:00") for s in steps)
    assert not any("cut-off 15:00:" in s for s in due_date(SAME, T("2026-11-30 15:00"), CAL).steps)


@pytest.mark.parametrize(
    ("received", "days", "expected"),
    [
        ("2026-11-30 09:00", 10, "2026-12-10 17:00"),
        ("2026-11-30 09:00", 5, "2026-12-07 17:00"),  # ends on Saturday 5/12 → Monday
        ("2026-08-27 09:00", 5, "2026-09-03 17:00"),  # ends Tue 1/9 (holiday) → Thu 3/9
        # received on a day off: received the next working day, counted from the day after it
        ("2026-11-28 09:00", 1, "2026-12-01 17:00"),  # Saturday → Monday; ends Tuesday
        ("2026-11-29 09:00", 7, "2026-12-07 17:00"),  # Sunday → Monday + 7 = Monday
        ("2026-09-02 09:00", 2, "2026-09-07 17:00"),  # holiday → Thu 3/9; ends Sat 5/9 → Mon
        ("2026-11-30 17:30", 1, "2026-12-02 17:00"),  # after closing → Tuesday; ends Wednesday
        # days off inside the period count: 10 calendar days across Tết Bính Ngọ
        ("2026-02-12 09:00", 10, "2026-02-23 17:00"),  # ends Sun 22/2 → Mon 23/2
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
    cal = WorkingCalendar(["07:30-11:30", "13:00-16:30"], overrides=shipped_overrides(),
                          day_count="working_hours")
    assert cal.day_length == dt.timedelta(hours=7, minutes=30)
    assert due(proc("working_days", 1), "2026-11-30 07:30", cal) == T("2026-11-30 16:30")
    assert due(proc("working_days", 1), "2026-11-30 11:00", cal) == T("2026-12-01 11:00")


def test_aware_times_are_converted_to_local():
    utc = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hà Nội
    assert due_date(WD3, utc, HOURS).when == T("2026-12-03 09:00")
    assert due_date(WD3, utc, CAL).when == T("2026-12-03 17:00")


def test_steps_explain_the_skipped_days():
    steps = due_date(WD3, T("2026-02-13 16:00"), HOURS).steps
    text = "\n".join(steps)
    assert "Tết Nguyên đán Bính Ngọ" in text
    assert "24 working hours" in text
    assert steps[-1] == "Due Wed 25/02/2026 16:00"
    whole = "\n".join(due_date(WD3, T("2026-02-13 16:00"), CAL).steps)
    assert "the first day is not counted" in whole and "Due Wed 25/02/2026 17:00" in whole


def test_every_catalogue_procedure_has_a_due_date():
    for p in default_catalogue().procedures:
        result = due_date(p, T("2026-11-30 10:00"), CAL)
        assert result.when is None or result.when >= T("2026-11-30 10:00"), p.code


def test_formats():
    when = T("2026-02-25 07:05:09")
    assert format_vn_datetime(when) == "07 giờ 05 phút, ngày 25/02/2026"
    assert format_vn_date_long(D(2026, 3, 5)) == "ngày 05 tháng 3 năm 2026"
    assert format_vn_date_long(D(2026, 2, 1)) == "ngày 01 tháng 02 năm 2026"
    assert format_vn_date_long(D(2026, 11, 29)) == "ngày 29 tháng 11 năm 2026"
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


calendars = st.sampled_from([CAL, HOURS])


@settings(max_examples=300, deadline=None)
@given(procedures, receipts, calendars)
def test_due_never_before_receipt_never_on_a_day_off(p, received, cal):
    when = due_date(p, received, cal).when
    assert when is not None
    assert when >= received
    assert cal.is_working_day(when.date())
    first, last = cal.office_hours[0].start, cal.office_hours[-1].end
    assert first <= when.time() <= last


@settings(max_examples=300, deadline=None)
@given(
    procedures,
    receipts,
    st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=20)),
    calendars,
)
def test_due_is_monotonic_in_receipt_time(p, received, later, cal):
    assert due_date(p, received, cal).when <= due_date(p, received + later, cal).when


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 30), st.sampled_from([None, "15:00"]), receipts)
def test_whole_days_never_promise_earlier_than_working_hours(n, cutoff, received):
    p = proc("working_days", n, cutoff)
    assert due_date(p, received, CAL).when >= due_date(p, received, HOURS).when


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 30), receipts)
def test_whole_days_count_n_working_days_after_the_day_of_receipt(n, received):
    """The day of receipt (or the day it is deemed received, when closed) is not counted; the
    result is the close of the N-th working day after it."""
    when = due_date(proc("working_days", n), received, CAL).when
    start = CAL.counting_start(received).date()
    counted = [
        start + dt.timedelta(days=i)
        for i in range(1, (when.date() - start).days + 1)
        if CAL.is_working_day(start + dt.timedelta(days=i))
    ]
    assert len(counted) == n and counted[-1] == when.date()
    assert when.time() == CAL.office_hours[-1].end


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 60), receipts)
def test_calendar_days_end_is_the_first_working_day_from_the_last_day(n, received):
    when = due_date(proc("calendar_days", n), received, CAL).when
    last = CAL.counting_start(received).date() + dt.timedelta(days=n)
    assert when.date() >= last
    between = [last + dt.timedelta(days=i) for i in range((when.date() - last).days)]
    assert not any(CAL.is_working_day(d) for d in between)  # moved only across days off


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 12, 31)),
    st.one_of(
        st.times(min_value=dt.time(7, 0), max_value=dt.time(16, 59, 59)),
        st.builds(dt.time, st.just(15), st.integers(0, 2), st.integers(0, 59)),  # the boundary
    ),
)
def test_cutoff_boundary(day, at):
    """On a working day, a same-day dossier received up to 15:00 (to the minute) is due that
    day; from 15:01 it is due the next working day."""
    if not CAL.is_working_day(day) or dt.time(11, 30) <= at < dt.time(13, 30):
        return
    when = due_date(SAME, dt.datetime.combine(day, at), CAL).when
    same_day = at.replace(second=0, microsecond=0) <= dt.time(15, 0)
    assert when.date() == (day if same_day else CAL.next_working_day(day))


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)))
def test_written_out_date_pads_only_days_1_to_9_and_months_1_2(day):
    m = re.fullmatch(r"ngày ([0-9]+) tháng ([0-9]+) năm ([0-9]{4})", format_vn_date_long(day))
    assert m is not None
    d, mo, y = m.groups()
    assert (int(d), int(mo), int(y)) == (day.day, day.month, day.year)
    assert len(d) == 2
    assert len(mo) == (2 if day.month < 3 else len(str(day.month)))


# --- confidence, confirmation and the known calendar ------------------------------------------


def test_every_shipped_entry_has_a_source_and_a_confidence():
    raw = json.loads(
        (Path(__file__).parents[2] / "appliance/domain/data/calendar-overrides.json")
        .read_text(encoding="utf-8")
    )["overrides"]
    for entry in raw:
        assert entry["source"].strip(), entry["date"]
        assert entry["confidence"] in {c.value for c in Confidence}, entry["date"]
    culture_day = {o.date: o for o in shipped_overrides()}[D(2026, 11, 24)]
    assert culture_day.confidence is Confidence.REPORTED
    assert "28/2026/QH16" in culture_day.source


def test_due_date_names_the_unconfirmed_days_it_spans():
    result = due_date(WD3, T("2026-11-23 10:00"), CAL)  # Mon; Tue 24/11 Ngày Văn hóa Việt Nam
    assert result.when == T("2026-11-27 17:00")
    assert [o.date for o in result.unconfirmed] == [D(2026, 11, 24)]
    assert any(s.startswith("Unconfirmed (reported): Tue 24/11/2026") for s in result.steps)
    assert due_date(WD3, T("2026-11-30 10:00"), CAL).unconfirmed == ()


def test_gateway_confirms_or_drops_an_entry():
    confirm = CalendarOverride(D(2026, 11, 24), OverrideKind.HOLIDAY, "Ngày Văn hóa Việt Nam",
                               "NQ 28/2026/QH16", Confidence.CONFIRMED)
    confirmed = WorkingCalendar.from_config(CalendarSection(), overrides=[confirm])
    result = due_date(WD3, T("2026-11-23 10:00"), confirmed)
    assert result.when == T("2026-11-27 17:00") and result.unconfirmed == ()
    drop = CalendarOverride(D(2026, 11, 24), OverrideKind.NOT_HOLIDAY, "", "gateway",
                            Confidence.CONFIRMED)
    dropped = WorkingCalendar.from_config(CalendarSection(), overrides=[drop])
    assert dropped.is_working_day(D(2026, 11, 24))
    assert due_date(WD3, T("2026-11-23 10:00"), dropped).when == T("2026-11-26 17:00")
    # dropping a swapped Saturday makes it a weekend day again
    sat = CalendarOverride(D(2026, 8, 22), OverrideKind.NOT_HOLIDAY,
                           confidence=Confidence.CONFIRMED)
    assert not WorkingCalendar.from_config(CalendarSection(), [sat]).is_working_day(D(2026, 8, 22))


def test_a_date_beyond_the_known_calendar_is_provisional():
    result = due_date(WD3, T("2026-12-30 10:00"), CAL)  # runs into 2027: Tết not announced
    assert result.when == T("2027-01-05 17:00")
    assert result.provisional and result.unknown_years == (2027,)
    assert "Provisional: no announced calendar for 2027 yet" in result.steps
    assert not due_date(WD3, T("2026-12-01 10:00"), CAL).provisional
    tet = CalendarOverride(D(2027, 2, 8), OverrideKind.HOLIDAY, "Tết Đinh Mùi", "gateway",
                           Confidence.CONFIRMED)
    announced = WorkingCalendar.from_config(CalendarSection(), overrides=[tet])
    assert not due_date(WD3, T("2026-12-30 10:00"), announced).provisional


def test_a_technicians_local_day_does_not_announce_a_year(tmp_path):
    path = tmp_path / "extra.toml"
    path.write_text('[[override]]\ndate = 2027-03-01\nkind = "holiday"\nname = "Lễ hội"\n'
                    'confidence = "confirmed"\n', encoding="utf-8")
    cal = WorkingCalendar.from_config(CalendarSection(overrides_file=str(path)))
    assert 2027 not in cal.known_years
    assert cal.overrides[D(2027, 3, 1)].confirmed


def test_confidence_round_trips_and_is_validated():
    ov = CalendarOverride(D(2026, 11, 24), OverrideKind.HOLIDAY, "x", "y", Confidence.REPORTED)
    assert parse_override(ov.to_dict(), "t") == ov
    assert parse_override({"date": "2026-11-24", "kind": "holiday"}, "t").confidence \
        is Confidence.UNVERIFIED
    with pytest.raises(CalendarError, match="confidence: expected one of confirmed"):
        parse_override({"date": "2026-11-24", "kind": "holiday", "confidence": "sure"}, "t")


def test_bad_day_count():
    with pytest.raises(CalendarError, match="working_day_count"):
        WorkingCalendar(day_count="hours")
