"""Alias of :mod:`appliance.domain.calendar` for code that looks for due dates by this name."""

from appliance.domain.calendar import NO_DATE_VI, DueDate, WorkingCalendar, due_date

__all__ = ["NO_DATE_VI", "DueDate", "WorkingCalendar", "due_date"]
