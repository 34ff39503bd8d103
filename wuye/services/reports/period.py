"""The period a report covers (a month by default; a quarter, a year or custom days) in the
project's time zone, and the period of the same length just before it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _

from ...i18n import local_to_utc

KINDS = ("month", "quarter", "year", "custom")
YEARS = range(2000, 2100)  # what a review can ask for; also keeps the periods before and after valid dates
MAX_CUSTOM_DAYS = 366 * 2


class PeriodError(ValueError):
    """The period asked for cannot be read; the message is in the reader's language."""


def _add_months(d: date, months: int) -> date:
    m = d.year * 12 + (d.month - 1) + months
    return date(m // 12, m % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: date  # first local day
    end: date  # the local day after the last

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def code(self) -> str:
        """The value of the `p` parameter that names this period."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return f"{self.start.year}"
        return f"{self.start.isoformat()}..{self.last.isoformat()}"

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("%(year)d-%(month)02d", year=self.start.year, month=self.start.month)
        if self.kind == "quarter":
            return _("%(year)d Q%(quarter)d", year=self.start.year, quarter=(self.start.month - 1) // 3 + 1)
        if self.kind == "year":
            return _("Year %(year)d", year=self.start.year)
        return f"{self.start.isoformat()} – {self.last.isoformat()}"

    def shifted(self, steps: int) -> Period:
        """The period `steps` lengths later (negative: earlier), of the same kind."""
        months = {"month": 1, "quarter": 3, "year": 12}.get(self.kind)
        if months:
            start = _add_months(self.start, months * steps)
            return Period(self.kind, start, _add_months(start, months))
        delta = timedelta(days=self.days * steps)
        return Period(self.kind, self.start + delta, self.end + delta)

    def previous(self) -> Period:
        return self.shifted(-1)

    def bounds(self, tz: str | None) -> tuple[datetime, datetime]:
        """[start, end) in UTC: local midnight of the first day to local midnight after the last."""
        return local_to_utc(self.start, time(0), tz), local_to_utc(self.end, time(0), tz)


def month_of(day: date) -> Period:
    start = day.replace(day=1)
    return Period("month", start, _add_months(start, 1))


def parse(code: str | None, today: date, day_from: str | None = None, day_to: str | None = None) -> Period:
    """`2026-11` a month, `2026-Q4` a quarter, `2026` a year, `2026-11-03..2026-11-20` (or the
    `from`/`to` pair of the form) custom days; nothing: this month."""
    if day_from or day_to:
        code = f"{day_from or ''}..{day_to or ''}"
    code = (code or "").strip()
    if not code:
        return month_of(today)
    period = _read(code)
    if period.start.year not in YEARS or period.last.year not in YEARS:
        raise PeriodError(_("Give the period as 2026-11, 2026-Q4, 2026 or two dates."))
    return period


def _read(code: str) -> Period:
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})", code):
            return month_of(date(int(m[1]), int(m[2]), 1))
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", code, re.I):
            start = date(int(m[1]), (int(m[2]) - 1) * 3 + 1, 1)
            return Period("quarter", start, _add_months(start, 3))
        if m := re.fullmatch(r"(\d{4})", code):
            return Period("year", date(int(m[1]), 1, 1), date(int(m[1]) + 1, 1, 1))
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", code):
            first, last = date.fromisoformat(m[1]), date.fromisoformat(m[2])
            if last < first:
                raise PeriodError(_("The period ends before it starts."))
            if (last - first).days >= MAX_CUSTOM_DAYS:
                raise PeriodError(_("A custom period is at most two years."))
            return Period("custom", first, last + timedelta(days=1))
    except PeriodError:
        raise
    except (ValueError, OverflowError):
        pass
    raise PeriodError(_("Give the period as 2026-11, 2026-Q4, 2026 or two dates."))
