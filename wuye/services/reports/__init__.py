"""Figures for management review (管理评审): one module per area, each computing its tables with
aggregate SQL over indexed columns for a period and the period of the same length before it.

`build(project, period, user)` is what the page, the exports and the print view share. A department
head gets the complaint figures of their department and nothing else.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from ...clock import now as clock_now
from ...models import Project, Role, User
from . import complaints, money, repairs, satisfaction, technicians
from .period import Period, PeriodError, month_of, parse  # noqa: F401
from .tables import Line, Span, Table  # noqa: F401

# who sees which areas; a dept_head only the complaints in their department's scope
FULL = frozenset({Role.CS_SUPERVISOR, Role.PROJECT_MANAGER, Role.ADMIN})
COMPLAINTS_ONLY = frozenset({Role.DEPT_HEAD})
READERS = FULL | COMPLAINTS_ONLY


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table]


@dataclass
class Report:
    project: Project
    period: Period
    previous: Period
    span: Span
    sections: list[Section]

    def table(self, key: str) -> Table | None:
        return next((t for s in self.sections for t in s.tables if t.key == key), None)

    @property
    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]


def build(project: Project, period: Period, user: User, now=None) -> Report:
    previous = period.previous()
    prev_start, _prev_end = previous.bounds(project.timezone)
    start, end = period.bounds(project.timezone)
    span = Span(prev_start, start, end, now or clock_now())
    sections = []
    if user.role in FULL:
        by_person = repairs.deadline_counts_by_person(project.id, span)
        assignments = repairs.assignment_groups(project.id, span)
        closed = repairs.closed_groups(project.id, span)
        sections += [
            Section("repairs", _("Repairs"), repairs.tables(project.id, span, by_person, closed)),
            Section("technicians", _("Per technician"), technicians.tables(project.id, span, by_person, assignments, closed)),
            Section("money", _("Money"), money.tables(project.id, span, assignments)),
            Section("satisfaction", _("Satisfaction"), satisfaction.tables(project.id, span, closed)),
        ]
    if user.role in READERS:
        sections.append(Section("complaints", _("Complaints"), complaints.tables(project.id, span, user)))
    return Report(project, period, previous, span, sections)
