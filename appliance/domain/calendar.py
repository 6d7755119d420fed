"""The working calendar of a commune office, and the return date (ngày hẹn trả) of a dossier.

Times are **naive local datetimes in Asia/Ho_Chi_Minh** (UTC+7, no daylight saving since 1975).
An aware datetime passed in is converted to that zone and made naive; everything returned is naive
local. Reference §5 is the source of the rules; docs/domain.md has worked examples.

Which days are working days, in order of precedence:

1. an override (``holiday`` / ``working_day`` / ``not_holiday``) from, last one winning: the
   shipped, reviewed table ``data/calendar-overrides.json``; the gateway's catalogue; the
   technician's ``[calendar] overrides_file``;
2. otherwise Saturday and Sunday are not working days;
3. otherwise a day the ``holidays`` package lists for Vietnam (lunar holidays, Tết, substitute days)
   is not a working day (read from the table generated from it, ``holiday_table``).

Office hours (``[calendar] office_hours``) are the hours of every working day; a working day has
``sum(office hours)`` working hours (8 h by default). ``saturday_hours`` are reception hours only:
a Saturday is not a working day for counting a time limit (unless an override makes it one).

How a limit in working days is counted is ``[calendar] working_day_count`` (:class:`DayCount`):
whole days from the day after receipt, as the Civil Code counts any limit in days (the default), or
working hours from the receipt time, as some provinces' one-stop software does. docs/domain.md §3
has the sources.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, TypeVar

VN_TZ = dt.timezone(dt.timedelta(hours=7), "Asia/Ho_Chi_Minh")
NO_DATE_VI = "Không có ngày hẹn trả cụ thể theo quy định"
"""Printed instead of a date for a procedure without a statutory time limit (reference §4)."""
MAX_SCAN_DAYS = 1000
"""A search for the next working day that goes further than this means a broken calendar."""
DEFAULT_OFFICE_HOURS = ("07:00-11:30", "13:30-17:00")
_E = TypeVar("_E", bound=StrEnum)
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class CalendarError(ValueError):
    """A calendar that cannot be used: bad override entry, bad hours, no working day in sight."""


class DayCount(StrEnum):
    """How a time limit in working days is counted (a provincial choice, kiosk.toml)."""

    WHOLE_DAYS = "whole_days"
    """Bộ luật Dân sự 2015 art. 147–148: the day of receipt is not counted; the limit ends at the
    close of office hours of the N-th working day after it."""
    WORKING_HOURS = "working_hours"
    """N × the day's office hours from the receipt time (reference §5, one provincial system)."""


DEFAULT_DAY_COUNT = DayCount.WHOLE_DAYS


class Confidence(StrEnum):
    """How sure the kiosk is of an override entry (the reference's marks)."""

    CONFIRMED = "confirmed"
    """Official text seen, or two independent published sources agree ([C]/[V])."""
    REPORTED = "reported"
    """One credible secondary source ([S]): may still change."""
    UNVERIFIED = "unverified"
    """Not confirmed ([?]/[U]); the default for an entry that does not say."""


class OverrideKind(StrEnum):
    HOLIDAY = "holiday"
    """A day off (a holiday, or a weekday swapped onto a Saturday)."""
    WORKING_DAY = "working_day"
    """A day worked although it is a weekend (a swapped Saturday) or a listed holiday."""
    NOT_HOLIDAY = "not_holiday"
    """Not a day off after all: weekday rules apply, whatever the package or an earlier layer says.
    This is how a later layer (the gateway) drops an entry."""


@dataclass(frozen=True)
class CalendarOverride:
    date: dt.date
    kind: OverrideKind
    name: str = ""
    """Vietnamese name of the holiday or of the arrangement."""
    source: str = ""
    """Where the rule comes from (legal text, announcement), for the reviewer."""
    confidence: Confidence = Confidence.UNVERIFIED

    @property
    def confirmed(self) -> bool:
        return self.confidence is Confidence.CONFIRMED

    def to_dict(self) -> dict[str, str]:
        return {
            "date": self.date.isoformat(),
            "kind": str(self.kind),
            "name": self.name,
            "source": self.source,
            "confidence": str(self.confidence),
        }


def parse_override(raw: Any, where: str) -> CalendarOverride:
    """One override from JSON/TOML data; ``where`` names the entry in error messages."""
    if not isinstance(raw, dict):
        raise CalendarError(f"{where}: expected a table with date and kind")
    unknown = set(raw) - {"date", "kind", "name", "source", "confidence"}
    if unknown:
        raise CalendarError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    day = raw.get("date")
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day)
        except ValueError:
            raise CalendarError(f"{where}: date: expected YYYY-MM-DD, got {day!r}") from None
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise CalendarError(f"{where}: date: expected YYYY-MM-DD")
    kind = _choice(OverrideKind, raw.get("kind"), f"{where}: kind")
    confidence = _choice(Confidence, raw.get("confidence", "unverified"), f"{where}: confidence")
    name, source = raw.get("name", ""), raw.get("source", "")
    if not isinstance(name, str) or not isinstance(source, str):
        raise CalendarError(f"{where}: name and source must be text")
    return CalendarOverride(day, kind, name, source, confidence)


def _choice(enum: type[_E], value: object, where: str) -> _E:
    if isinstance(value, str) and value in {m.value for m in enum}:
        return enum(value)
    raise CalendarError(f"{where}: expected one of {', '.join(m.value for m in enum)}")


def parse_overrides(raw: Any, where: str) -> tuple[CalendarOverride, ...]:
    if not isinstance(raw, list):
        raise CalendarError(f"{where}: expected a list of overrides")
    return tuple(parse_override(item, f"{where}[{i}]") for i, item in enumerate(raw))


def shipped_overrides() -> tuple[CalendarOverride, ...]:
    """The reviewed override table shipped with the code (2025 and 2026 arrangements)."""
    text = (
        resources.files("appliance.domain")
        .joinpath("data/calendar-overrides.json")
        .read_text(encoding="utf-8")
    )
    return parse_overrides(json.loads(text)["overrides"], "calendar-overrides.json: overrides")


def load_overrides_file(path: Path) -> tuple[CalendarOverride, ...]:
    """A technician's TOML file of ``[[override]]`` tables (date, kind, name, source)."""
    from kioskbase.files import FileRefused, read_text

    try:  # bounded: a FIFO, a device or a huge file is refused, never read
        data = tomllib.loads(read_text(path, limit=1024 * 1024))
    except FileRefused as exc:
        raise CalendarError(str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise CalendarError(f"{path}: not valid TOML ({exc})") from None
    except RecursionError:
        raise CalendarError(f"{path}: not valid TOML (nested too deep)") from None
    return parse_overrides(data.get("override", []), f"{path}: override")


@dataclass(frozen=True)
class Span:
    """Office hours of one part of the day, ``[start, end)``."""

    start: dt.time
    end: dt.time

    @classmethod
    def parse(cls, text: str) -> Span:
        try:
            a, b = text.split("-")
            span = cls(dt.time.fromisoformat(a.strip()), dt.time.fromisoformat(b.strip()))
        except ValueError:
            raise CalendarError(f"office hours: expected HH:MM-HH:MM, got {text!r}") from None
        if span.start >= span.end:
            raise CalendarError(f"office hours: {text!r} ends before it starts")
        return span

    @property
    def length(self) -> dt.timedelta:
        return _at(dt.date.min, self.end) - _at(dt.date.min, self.start)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


def _at(day: dt.date, t: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, t)


def _parse_spans(texts: Iterable[str]) -> tuple[Span, ...]:
    spans = tuple(sorted((Span.parse(t) for t in texts), key=lambda s: s.start))
    for a, b in itertools.pairwise(spans):
        if b.start < a.end:
            raise CalendarError(f"office hours: {a} and {b} overlap")
    return spans


def to_local(when: dt.datetime) -> dt.datetime:
    """Naive Asia/Ho_Chi_Minh time; an aware datetime is converted first."""
    if when.tzinfo is not None:
        return when.astimezone(VN_TZ).replace(tzinfo=None)
    return when


def day_label(day: dt.date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {day:%d/%m/%Y}"


class CalendarSettings(Protocol):
    """``[calendar]`` of kiosk.toml (``appliance.config.CalendarSection``) as the domain reads
    it (the domain imports nothing of the kiosk's configuration code)."""

    @property
    def office_hours(self) -> list[str]: ...

    @property
    def saturday_hours(self) -> list[str]: ...

    @property
    def overrides_file(self) -> str: ...

    @property
    def working_day_count(self) -> str: ...


class WorkingCalendar:
    """Working days and office hours of one receiving unit."""

    def __init__(
        self,
        office_hours: Sequence[str] = DEFAULT_OFFICE_HOURS,
        saturday_hours: Sequence[str] = (),
        overrides: Iterable[CalendarOverride] = (),
        *,
        use_holidays_package: bool = True,
        day_count: DayCount | str = DEFAULT_DAY_COUNT,
        known_years: Iterable[int] | None = None,
    ) -> None:
        self.office_hours = _parse_spans(office_hours)
        if not self.office_hours:
            raise CalendarError("office hours: at least one span is needed")
        self.saturday_hours = _parse_spans(saturday_hours)
        self.overrides: dict[dt.date, CalendarOverride] = {}
        for ov in overrides:
            self.overrides[ov.date] = ov  # later layers win
        self.day_count = _choice(DayCount, str(day_count), "calendar: working_day_count")
        self.known_years = frozenset(
            {d.year for d in self.overrides} if known_years is None else known_years
        )
        """Years whose arrangements were announced and reviewed (shipped table or gateway): a
        date outside them is provisional."""
        self._use_package = use_holidays_package
        self._package_years: dict[int, dict[dt.date, str]] = {}

    @classmethod
    def from_config(
        cls,
        section: CalendarSettings | None = None,
        overrides: Iterable[CalendarOverride] = (),
        *,
        shipped: bool = True,
    ) -> WorkingCalendar:
        """The calendar for ``[calendar]`` of kiosk.toml, layering shipped table, ``overrides``
        (normally the catalogue's) and the technician's overrides file, in that order."""
        layers: list[CalendarOverride] = list(shipped_overrides()) if shipped else []
        layers.extend(overrides)
        known = {o.date.year for o in layers}  # a technician's local days do not announce a year
        if section is None:
            return cls(overrides=layers, known_years=known)
        if section.overrides_file:
            layers.extend(load_overrides_file(Path(section.overrides_file).expanduser()))
        return cls(section.office_hours, section.saturday_hours, layers,
                   day_count=section.working_day_count, known_years=known)

    @property
    def day_length(self) -> dt.timedelta:
        return sum((s.length for s in self.office_hours), dt.timedelta())

    def _package_holidays(self, year: int) -> dict[dt.date, str]:
        if not self._use_package:
            return {}
        if year not in self._package_years:
            from appliance.domain.holiday_table import holidays_of

            self._package_years[year] = holidays_of(year)
        return self._package_years[year]

    def day_status(self, day: dt.date) -> tuple[bool, str]:
        """(is a working day, why) — the reason is English with the Vietnamese holiday name."""
        ov = self.overrides.get(day)
        if ov is not None and ov.kind is OverrideKind.HOLIDAY:
            return False, f"holiday: {ov.name}" if ov.name else "holiday (override)"
        if ov is not None and ov.kind is OverrideKind.WORKING_DAY:
            return True, f"working day: {ov.name}" if ov.name else "working day (override)"
        name = self._package_holidays(day.year).get(day) if ov is None else None
        if day.weekday() >= 5:
            return False, f"weekend, also {name}" if name else "weekend"
        if name is not None:
            return False, f"holiday: {name}"
        return True, "working day"

    def is_working_day(self, day: dt.date) -> bool:
        return self.day_status(day)[0]

    def holiday_name(self, day: dt.date) -> str | None:
        working, why = self.day_status(day)
        if working:
            return None
        if why.startswith("weekend, also "):
            return why.removeprefix("weekend, also ")
        return why.removeprefix("holiday: ") if why.startswith("holiday") else None

    def next_working_day(self, day: dt.date, *, include: bool = False) -> dt.date:
        """The first working day after ``day`` (or on it, with ``include``)."""
        d = day if include else day + dt.timedelta(days=1)
        for _ in range(MAX_SCAN_DAYS):
            if self.is_working_day(d):
                return d
            d += dt.timedelta(days=1)
        raise CalendarError(f"no working day within {MAX_SCAN_DAYS} days of {day}")

    def skipped_between(self, first: dt.date, last: dt.date) -> list[str]:
        """Non-working days in ``[first, last]``, described, for the explanation."""
        out = []
        d = first
        while d <= last:
            working, why = self.day_status(d)
            if not working:
                out.append(f"{day_label(d)} ({why})")
            d += dt.timedelta(days=1)
        return out

    def unconfirmed_between(self, first: dt.date, last: dt.date) -> list[CalendarOverride]:
        """Override entries in effect in ``[first, last]`` that are not confirmed."""
        return [ov for d, ov in sorted(self.overrides.items())
                if first <= d <= last and not ov.confirmed]

    def unknown_years(self, first: dt.date, last: dt.date) -> list[int]:
        """Years in ``[first, last]`` beyond the known calendar (no announced arrangements)."""
        return [y for y in range(first.year, last.year + 1) if y not in self.known_years]

    def nth_working_day_after(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``day`` (``day`` itself never counts)."""
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def opening(self, day: dt.date) -> dt.datetime:
        return _at(day, self.office_hours[0].start)

    def closing(self, day: dt.date) -> dt.datetime:
        return _at(day, self.office_hours[-1].end)

    def is_open(self, when: dt.datetime) -> bool:
        """True when the office receives dossiers at ``when`` (Saturday hours included)."""
        when = to_local(when)
        if self.is_working_day(when.date()):
            spans = self.office_hours
        elif when.weekday() == 5 and self.holiday_name(when.date()) is None:
            spans = self.saturday_hours
        else:
            return False
        return any(s.start <= when.time() < s.end for s in spans)

    def counting_start(self, when: dt.datetime) -> dt.datetime:
        """When the clock of a time limit starts: ``when`` itself inside office hours of a working
        day, else the next opening of office hours on a working day."""
        when = to_local(when)
        day = when.date()
        if self.is_working_day(day):
            for s in self.office_hours:
                if when < _at(day, s.end):
                    return max(when, _at(day, s.start))
        return self.opening(self.next_working_day(day))

    def add_working_time(self, start: dt.datetime, amount: dt.timedelta) -> dt.datetime:
        """``start`` (a counting start) plus ``amount`` of office time. Ending exactly at the end of
        a span gives that end (17:00), not the next opening."""
        pos = self.counting_start(start)
        remaining = amount
        while True:
            day = pos.date()
            for s in self.office_hours:
                end = _at(day, s.end)
                if pos >= end:
                    continue
                pos = max(pos, _at(day, s.start))
                available = end - pos
                if remaining <= available:
                    return pos + remaining
                remaining -= available
                pos = end
            pos = self.opening(self.next_working_day(day))


class TimeLimitLike(Protocol):
    @property
    def unit(self) -> str: ...

    @property
    def value(self) -> int: ...

    @property
    def cutoff(self) -> dt.time | None: ...


class ProcedureLike(Protocol):
    """What a return date needs of a procedure (read-only, as the catalogue's frozen ones are)."""

    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def time_limit(self) -> TimeLimitLike: ...


@dataclass
class DueDate:
    """The return date printed on the slip, and how it was reached."""

    when: dt.datetime | None
    """Naive local time; None when the procedure has no statutory date (see NO_DATE_VI)."""
    steps: list[str] = field(default_factory=list)
    """English explanation for staff, one step per line."""
    unconfirmed: tuple[CalendarOverride, ...] = ()
    """Override entries between receipt and due date that are not confirmed (may still change)."""
    unknown_years: tuple[int, ...] = ()
    """Years between receipt and due date beyond the known calendar (e.g. 2027 before its Tết
    arrangement is announced): the date is provisional."""

    @property
    def provisional(self) -> bool:
        return bool(self.unknown_years)

    @property
    def text_vi(self) -> str:
        return format_vn_datetime(self.when) if self.when else NO_DATE_VI

    @property
    def portal(self) -> str | None:
        """``NgayHenTra`` for the gateway payload."""
        return format_portal_datetime(self.when) if self.when else None


def due_date(procedure: ProcedureLike, received: dt.datetime, calendar: WorkingCalendar) -> DueDate:
    """The return date of a dossier of ``procedure`` received at ``received`` (docs/domain.md §3).

    A receipt when the office is closed counts from the next opening; a receipt after a
    per-procedure cut-off (strictly after it, to the minute) counts from the next working day.
    Units: ``working_days`` (``calendar.day_count``: whole days after the day of receipt, or
    working hours from the receipt time), ``same_day`` (close of office hours of the receiving
    working day), ``calendar_days`` (close of office hours N days after the day of receipt, moved
    to the next working day if that is a day off), ``none`` (no date).
    """
    received = to_local(received)
    limit = procedure.time_limit
    what = {"same_day": "same day", "none": "none"}.get(limit.unit, f"{limit.value} {limit.unit}")
    cutoff = f", cut-off {limit.cutoff:%H:%M}" if limit.cutoff else ""
    steps = [f"Procedure {procedure.code}: time limit {what}{cutoff}"]
    steps.append(f"Received {day_label(received.date())} {received:%H:%M}")
    if limit.unit == "none":
        steps.append(f'No statutory time limit: the slip says "{NO_DATE_VI}"')
        return DueDate(None, steps)
    if limit.unit not in ("same_day", "working_days", "calendar_days"):
        raise CalendarError(f"procedure {procedure.code}: unknown time-limit unit {limit.unit!r}")
    start = _start(limit, received, calendar, steps)
    if limit.unit == "calendar_days":
        when = _calendar_days(limit.value, start, calendar, steps)
    elif limit.unit == "same_day":
        when = calendar.closing(start.date())
        steps.append(f"Same-day procedure: result by the close of office hours, {when:%H:%M}")
    else:
        when = _working_days(limit.value, start, calendar, steps)
    steps.append(f"Due {day_label(when.date())} {when:%H:%M}")
    return _with_doubts(DueDate(when, steps), received.date(), when.date(), calendar)


def _with_doubts(
    result: DueDate, first: dt.date, last: dt.date, calendar: WorkingCalendar
) -> DueDate:
    """Name the unconfirmed days and unknown years the result spans (staff see it in the steps)."""
    result.unconfirmed = tuple(calendar.unconfirmed_between(first, last))
    result.unknown_years = tuple(calendar.unknown_years(first, last))
    for ov in result.unconfirmed:
        result.steps.append(
            f"Unconfirmed ({ov.confidence}): {day_label(ov.date)} {ov.kind} {ov.name}".rstrip()
        )
    if result.unknown_years:
        years = ", ".join(str(y) for y in result.unknown_years)
        result.steps.append(f"Provisional: no announced calendar for {years} yet")
    return result


def _working_days(
    days: int, start: dt.datetime, calendar: WorkingCalendar, steps: list[str]
) -> dt.datetime:
    if calendar.day_count is DayCount.WHOLE_DAYS:
        last = calendar.nth_working_day_after(start.date(), days)
        steps.append(
            f"{days} whole working days counted from the day after {day_label(start.date())} "
            f"(the first day is not counted): last day {day_label(last)}"
        )
        when = calendar.closing(last)
    else:
        hours = calendar.day_length * days
        hours_text = f"{hours.total_seconds() / 3600:g}"
        spans = ", ".join(str(s) for s in calendar.office_hours)
        steps.append(f"{days} working days = {hours_text} working hours ({spans})")
        when = calendar.add_working_time(start, hours)
    skipped = calendar.skipped_between(start.date(), when.date())
    if skipped:
        steps.append("Not counted: " + "; ".join(skipped))
    return when


def after_cutoff(received: dt.datetime, cutoff: dt.time) -> bool:
    """True when ``received`` is after ``cutoff``, compared to the minute the slip prints: a
    receipt at 15:00 (even 15:00:59) is not "after 15:00"; 15:01 is."""
    return received.time().replace(second=0, microsecond=0) > cutoff


def _start(
    limit: TimeLimitLike, received: dt.datetime, calendar: WorkingCalendar, steps: list[str]
) -> dt.datetime:
    day = received.date()
    working, why = calendar.day_status(day)
    cutoff = limit.cutoff
    if working and cutoff is not None and after_cutoff(received, cutoff):
        start = calendar.opening(calendar.next_working_day(day))
        steps.append(
            f"Received after the cut-off {cutoff:%H:%M}: counted from the next "
            f"working day, {day_label(start.date())} {start:%H:%M}"
        )
        return start
    start = calendar.counting_start(received)
    if start == received:
        steps.append("Received inside office hours of a working day")
    elif not working:
        steps.append(
            f"{day_label(day)} is not a working day ({why}): counted from "
            f"{day_label(start.date())} {start:%H:%M}"
        )
    elif start.date() == day:
        steps.append(f"Outside office hours: counted from the next opening, {start:%H:%M}")
    else:
        steps.append(
            f"After office hours: counted from the next working day, "
            f"{day_label(start.date())} {start:%H:%M}"
        )
    skipped = calendar.skipped_between(day + dt.timedelta(days=1), start.date())
    if skipped:
        steps.append("Skipped: " + "; ".join(skipped))
    return start


def _calendar_days(
    days: int, start: dt.datetime, calendar: WorkingCalendar, steps: list[str]
) -> dt.datetime:
    """Every day counts, days off included, from the day after the (deemed) day of receipt;
    a last day that is a day off moves to the next working day (Bộ luật Dân sự 2015 art. 148)."""
    last = start.date() + dt.timedelta(days=days)
    steps.append(
        f"{days} calendar days counted from the day after {day_label(start.date())}: "
        f"last day {day_label(last)}"
    )
    day = calendar.next_working_day(last, include=True)
    if day != last:
        steps.append(
            f"{day_label(last)} is not a working day ({calendar.day_status(last)[1]}): "
            f"moved to the next working day, {day_label(day)}"
        )
    return calendar.closing(day)


def format_vn_datetime(when: dt.datetime) -> str:
    """``HH giờ mm phút, ngày dd/mm/yyyy`` — how the slip prints a time (reference §5)."""
    when = to_local(when)
    return f"{when:%H} giờ {when:%M} phút, ngày {when:%d/%m/%Y}"


def format_vn_date_long(day: dt.date) -> str:
    """``ngày 05 tháng 3 năm 2026``: a date written out in administrative style, with a leading
    zero only for days 1–9 and months 1–2 (Nghị định 30/2020/NĐ-CP, Phụ lục I; docs/domain.md)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def format_portal_datetime(when: dt.datetime) -> str:
    """``yyyyMMddHHmmss`` local time, the national portal's date format (reference §3)."""
    return f"{to_local(when):%Y%m%d%H%M%S}"


def parse_portal_datetime(text: str) -> dt.datetime:
    """Inverse of format_portal_datetime; raises ValueError."""
    if len(text) != 14 or not text.isdigit():
        raise ValueError(f"expected yyyyMMddHHmmss, got {text!r}")
    return dt.datetime.strptime(text, "%Y%m%d%H%M%S")


__all__ = [
    "NO_DATE_VI",
    "VN_TZ",
    "CalendarError",
    "CalendarOverride",
    "Confidence",
    "DayCount",
    "DueDate",
    "OverrideKind",
    "WorkingCalendar",
    "after_cutoff",
    "due_date",
    "format_portal_datetime",
    "format_vn_date_long",
    "format_vn_datetime",
    "load_overrides_file",
    "parse_override",
    "parse_overrides",
    "parse_portal_datetime",
    "shipped_overrides",
    "to_local",
]
