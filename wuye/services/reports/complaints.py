"""Complaints (B3–B5): validity, seriousness, topic and department; each B5 deadline kept;
corrective actions done, verified and late; repeats, penalties and the management-review list.
A department head sees the complaints of their department only (complaint_board.scope)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, func, literal, or_, select

from ...complaints.labels import SEVERITY, TOPICS, VALIDITY
from ...extensions import db
from ...labels import label
from ...models import Complaint, CorrectiveAction, Deadline, Department, Role, User
from ...models.complaint_codes import ActionState, RepeatStatus
from ...models.complaint import complaint_department
from ...workflow.complaint import SEE_ALL
from ..complaints.board import scope
from ..deadlines.table import COMPLAINT, CORRECTIVE_ACTION, RULES
from .tables import COUNT, LATE, MISSED, PERCENT, Line, Span, Table, columns, deadline_counts, on_time_rate, split

C = Complaint
A = CorrectiveAction


def _sees_all(user: User) -> bool:
    return user.role in SEE_ALL or user.role == Role.ADMIN


def _where(project_id: int, span: Span, user: User):
    where = [C.project_id == project_id, span.within(C.received_at)]
    if not _sees_all(user):
        where.append(scope(user))
    return where


def _lines(cur, prev, names: dict, link_key: str | None, order=()):
    keys = list(order) + sorted((set(cur) | set(prev)) - set(order), key=str)
    return [Line(str(k), str(names.get(k, k)), cur.get(k, 0), prev.get(k, 0), {link_key: k} if link_key else None)
            for k in keys]


def _departments(where, span: Span):
    """Complaints per department involved in or responsible for them (the board's department filter),
    each (complaint, department) pair once: the period's complaints by their involved departments, plus
    those whose responsible department is not among them — both driven by the period's index."""
    cd = complaint_department
    involved = split(db.session.execute(
        select(span.current(C.received_at), cd.c.department_id, func.count()).select_from(C)
        .join(cd, cd.c.complaint_id == C.id).where(*where).group_by(*columns(2))))
    also = exists().where(cd.c.complaint_id == C.id, cd.c.department_id == C.responsible_department_id)
    responsible = split(db.session.execute(
        select(span.current(C.received_at), C.responsible_department_id, func.count())
        .where(*where, C.responsible_department_id.is_not(None), ~also).group_by(*columns(2))))
    return tuple({k: a.get(k, 0) + b.get(k, 0) for k in set(a) | set(b)} for a, b in zip(involved, responsible))


def _deadline_link(rule, kept: str) -> dict:
    if rule.subject == CORRECTIVE_ACTION:  # the actions' own list, by their deadline judged as the figure does
        return {"target": "actions", "which": kept}
    return {"dates": "due", "deadline": rule.name, "kept": kept}


def _deadlines(project_id: int, span: Span, user: User) -> list[Table]:
    rules = [r for r in RULES if r.subject in (COMPLAINT, CORRECTIVE_ACTION)]
    where = []
    if not _sees_all(user):
        mine = select(C.id).where(C.project_id == project_id, scope(user))
        mine_actions = select(A.id).where(A.complaint_id.in_(mine))
        where.append(or_(and_(Deadline.subject_type == COMPLAINT, Deadline.subject_id.in_(mine)),
                         and_(Deadline.subject_type == CORRECTIVE_ACTION, Deadline.subject_id.in_(mine_actions))))
    counts = deadline_counts(project_id, [r.name for r in rules], span, *where)

    def not_kept(is_cur, rule):
        got = counts.get((is_cur, rule.name)) or {}
        return got.get(LATE, 0) + got.get(MISSED, 0)
    return [
        Table("complaints_deadlines", _("B5 deadlines kept"), PERCENT,
              [Line(r.name, str(r.label), on_time_rate(counts.get((1, r.name))),
                    on_time_rate(counts.get((0, r.name))), _deadline_link(r, "judged")) for r in rules],
              target="complaints",
              note=_("Met on time among the deadlines that fell due in the period. A complaint "
                     "reclassified keeps only the deadlines of its new class.")),
        Table("complaints_deadlines_missed", _("B5 deadlines met late or missed"), COUNT,
              [Line(r.name, str(r.label), not_kept(1, r), not_kept(0, r), _deadline_link(r, "not_kept"))
               for r in rules], target="complaints"),
    ]


def _actions(project_id: int, span: Span, user: User) -> Table:
    """Corrective actions that fell due in the period."""
    where = [A.project_id == project_id, span.within(A.due_at)]
    if not _sees_all(user):
        where.append(A.complaint_id.in_(select(C.id).where(C.project_id == project_id, scope(user))))
    late = or_(and_(A.done_at.is_not(None), A.done_at > A.due_at), and_(A.done_at.is_(None), A.due_at < span.now))

    def one(cond):
        return func.sum(case((cond, literal(1)), else_=literal(0)))
    got = {c: (n, int(d or 0), int(v or 0), int(x or 0), int(late_n or 0)) for c, n, d, v, x, late_n in db.session.execute(
        select(span.current(A.due_at), func.count(), one(A.done_at.is_not(None)),
               one(A.state == ActionState.EFFECTIVE), one(A.failed_checks > 0), one(late))
        .where(*where).group_by(*columns(1)))}
    now, before = got.get(1, (0,) * 5), got.get(0, (0,) * 5)
    names = [("due", _("Due in the period")), ("done", _("Done")), ("verified", _("Checked and effective")),
             ("ineffective", _("Found ineffective at least once")), ("late", _("Late"))]
    return Table("complaints_actions", _("Corrective actions"), COUNT,
                 [Line(k, v, now[i], before[i], {"target": "actions", "which": k})
                  for i, (k, v) in enumerate(names)], target="complaints")


def tables(project_id: int, span: Span, user: User) -> list[Table]:
    where = _where(project_id, span, user)
    # one GROUP BY by validity, seriousness and topic (a few dozen groups), with the repeats, penalties
    # and reviews summed: each table is folded from it
    one = lambda cond: func.sum(case((cond, literal(1)), else_=literal(0)))  # noqa: E731
    groups = db.session.execute(
        select(span.current(C.received_at), func.coalesce(C.validity, literal("pending")),
               func.coalesce(C.severity, literal("pending")), func.coalesce(C.topic, literal("other")), func.count(),
               one(C.repeat_status == RepeatStatus.CONFIRMED), one(C.penalty_at.is_not(None)),
               one(C.management_review.is_(True)))
        .where(*where).group_by(*columns(4))).all()

    def fold(index):
        out: tuple[dict, dict] = ({}, {})
        for row in groups:
            out[0 if row[0] else 1][row[index]] = out[0 if row[0] else 1].get(row[index], 0) + row[4]
        return out
    validity, severity, topic = fold(1), fold(2), fold(3)
    dept = _departments(where, span)
    departments = dict(db.session.execute(select(Department.id, Department.name)
                                          .where(Department.project_id == project_id)).all())
    pending = {"pending": _("Not yet classified")}
    totals = {1: [0, 0, 0, 0], 0: [0, 0, 0, 0]}
    for row in groups:
        for i, v in enumerate(row[4:]):
            totals[row[0]][i] += int(v or 0)
    now, before = totals[1], totals[0]
    review = list(db.session.execute(
        select(C.number, C.received_at, C.topic, C.review_conclusion, C.reviewed_at)
        .where(*where, C.received_at >= span.start, C.management_review.is_(True)).order_by(C.received_at)))
    return [
        Table("complaints_total", _("Complaints received"), COUNT, [
            Line("total", _("Received"), now[0], before[0], {}),
            Line("repeat", _("Repeat complaints confirmed"), now[1], before[1], {"repeat": "1"}),
            Line("penalty", _("Penalties recorded"), now[2], before[2], {"penalty": "1"}),
            Line("review", _("Sent to management review"), now[3], before[3], {"review": "1"}),
        ], chart=None, target="complaints"),
        Table("complaints_validity", _("By validity"), COUNT,
              _lines(*validity, {**{k: label(VALIDITY, k) for k in VALIDITY}, **pending}, "validity",
                     ("valid", "invalid", "pending")), target="complaints"),
        Table("complaints_severity", _("By seriousness"), COUNT,
              _lines(*severity, {**{k: label(SEVERITY, k) for k in SEVERITY}, **pending}, "severity",
                     ("normal", "serious", "pending")), target="complaints"),
        Table("complaints_topic", _("By category"), COUNT,
              _lines(*topic, {k: label(TOPICS, k) for k in TOPICS}, "topic"), target="complaints"),
        Table("complaints_department", _("By department"), COUNT,
              _lines(*dept, departments, "department"), target="complaints"),
        *_deadlines(project_id, span, user),
        _actions(project_id, span, user),
        Table("complaints_review", _("Management review list"), COUNT, [], chart=None, target="complaints",
              extra=[dict(number=n, received_at=r, topic=label(TOPICS, t), conclusion=c, reviewed_at=ra)
                     for n, r, t, c, ra in review],
              extra_columns=[_("Number"), _("Received"), _("Category"), _("Decision of the review")]),
    ]
