"""The complaint board's and the follow-up list's filters that a figure of /reports/ opens them with:
the complaints received in the period (or whose B5 deadline fell due in it) of a class, and the
corrective actions due in it — the same rows, in the same reader's scope, that the figure counted."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...i18n import day_bounds_utc
from ...models import Complaint, CorrectiveAction, Deadline, Project
from ...models.complaint_codes import ActionState, RepeatStatus

C = Complaint
A = CorrectiveAction
KEPT = ("judged", "on_time", "not_kept")
ACTION_FIGURES = ("due", "done", "verified", "ineffective", "late", *KEPT)
LIST_LIMIT = 500


def bounds(project: Project, day_from, day_to) -> tuple:
    start = day_bounds_utc(day_from, project.timezone)[0] if day_from else None
    end = day_bounds_utc(day_to, project.timezone)[1] if day_to else None
    return start, end


def _within(column, start, end) -> list:
    return ([column >= start] if start is not None else []) + ([column < end] if end is not None else [])


def kept(outcome: str, now: datetime):
    """A deadline judged as the report judges it (services/reports/tables.deadline_outcome)."""
    d = Deadline
    on_time = and_(d.met_at.is_not(None), d.met_at <= d.due_at)
    late = d.met_at > d.due_at
    missed = and_(d.met_at.is_(None), or_(d.breached_at.is_not(None), and_(d.closed_at.is_(None), d.due_at < now)))
    return {"on_time": on_time, "not_kept": or_(late, missed), "judged": or_(on_time, late, missed)}[outcome]


def filtered(f) -> bool:
    return bool(f.day_from or f.day_to or f.severity or f.topic or f.repeat or f.penalty or f.deadline)


def conditions(project: Project, f, now: datetime) -> list:
    """The WHERE clauses of a figure's filters (none when the board is opened without them)."""
    start, end = bounds(project, f.day_from, f.day_to)
    where = []
    if f.dates != "due":
        where += _within(C.received_at, start, end)
    if f.severity == "pending":
        where.append(C.severity.is_(None))
    elif f.severity:
        where.append(C.severity == f.severity)
    if f.topic == "other":  # the figure counts a complaint without a topic as 其他
        where.append(or_(C.topic.is_(None), C.topic == "other"))
    elif f.topic:
        where.append(C.topic == f.topic)
    if f.repeat:
        where.append(C.repeat_status == RepeatStatus.CONFIRMED)
    if f.penalty:
        where.append(C.penalty_at.is_not(None))
    if f.deadline:
        d = Deadline
        due = select(d.subject_id).where(d.project_id == project.id, d.subject_type == "complaint",
                                         d.kind == f.deadline, kept(f.kept or "judged", now),
                                         *(_within(d.due_at, start, end) if f.dates == "due" else []))
        where.append(C.id.in_(due))
    return where


def actions(project: Project, scope_of_reader, day_from, day_to, which: str, now: datetime) -> list[CorrectiveAction]:
    """The corrective actions due in the days, in the reader's scope of complaints, of one figure."""
    start, end = bounds(project, day_from, day_to)
    where = [A.project_id == project.id, A.complaint_id.in_(select(C.id).where(C.project_id == project.id,
                                                                               scope_of_reader))]
    if which in KEPT:  # the B5 on-time rate's actions: their deadlines that fell due, judged as it judges them
        d = Deadline
        where.append(A.id.in_(select(d.subject_id).where(
            d.project_id == project.id, d.subject_type == "corrective_action", d.kind == "corrective_action",
            kept(which, now), *_within(d.due_at, start, end))))
    else:
        where += _within(A.due_at, start, end)
    if which == "done":
        where.append(A.done_at.is_not(None))
    elif which == "verified":
        where.append(A.state == ActionState.EFFECTIVE)
    elif which == "ineffective":
        where.append(A.failed_checks > 0)
    elif which == "late":
        where.append(or_(and_(A.done_at.is_not(None), A.done_at > A.due_at), and_(A.done_at.is_(None), A.due_at < now)))
    return list(db.session.scalars(
        select(A).where(*where).options(selectinload(A.complaint).selectinload(C.unit), selectinload(A.owner))
        .order_by(A.due_at, A.id).limit(LIST_LIMIT)))


def count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.with_only_columns(C.id).subquery())) or 0


