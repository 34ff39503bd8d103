"""Deadlines (时限) of the procedure, the notices the watcher sent about them, and its heartbeat.

The rule behind each deadline lives in `services/deadlines/table.py`; a row here is one running or
finished instance of a rule for one subject (a repair order, later a complaint). The partial
indexes hold only the rows the watcher may still have to act on, so a tick reads the due rows
and nothing else however long the history grows.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from .org import User
from .types import UTCDateTime

# the same predicate text for SQLite and PostgreSQL; the tick's queries repeat it term by term,
# which is what lets SQLite's planner prove the partial index applies
RUNNING = "met_at IS NULL AND closed_at IS NULL"
UNBREACHED = "met_at IS NULL AND breached_at IS NULL AND closed_at IS NULL"
UNWARNED = "warned_at IS NULL AND met_at IS NULL AND breached_at IS NULL AND closed_at IS NULL"
ESCALATING = "next_escalation_at IS NOT NULL"


def _partial(name: str, *columns: str, where: str, unique: bool = False) -> Index:
    return Index(name, *columns, unique=unique, sqlite_where=text(where), postgresql_where=text(where))


class Deadline(db.Model):
    __tablename__ = "deadline"
    __table_args__ = (
        _partial("ix_deadline_breach_due", "due_at", where=UNBREACHED),
        _partial("ix_deadline_warn_due", "warn_at", where=UNWARNED),
        _partial("ix_deadline_escalation_due", "next_escalation_at", where=ESCALATING),
        # the board's overdue filter and the escalation inbox: running deadlines of one project
        _partial("ix_deadline_project_running", "project_id", "due_at", where=RUNNING),
        # at most one running deadline of a kind per subject
        _partial("uq_deadline_subject_kind_running", "subject_type", "subject_id", "kind",
                 where=RUNNING, unique=True),
        Index("ix_deadline_subject", "subject_type", "subject_id", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int] = mapped_column(Integer)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    kind: Mapped[str] = mapped_column(String(40))  # a rule name of services/deadlines/table.py
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    warn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when it happened (the phone's time)
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when the watcher marked it
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # subject cancelled or closed otherwise
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)  # chain links notified so far
    next_escalation_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    responsible: Mapped[User | None] = relationship()

    @property
    def running(self) -> bool:
        return self.met_at is None and self.closed_at is None

    @property
    def met_late(self) -> bool:
        return self.met_at is not None and self.met_at > self.due_at


class NoticeKind:
    WARN = "warn"
    BREACH = "breach"
    ESCALATE = "escalate"


class DeadlineNotice(db.Model):
    """One row per warning (level 0), breach (level 1) and escalation (level 2+) of a deadline.

    UNIQUE(deadline_id, level) is what makes "exactly once" hold however many watchers tick.
    """

    __tablename__ = "deadline_notice"
    __table_args__ = (UniqueConstraint("deadline_id", "level"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadline.id", ondelete="CASCADE"))
    level: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class DeadlinePolicy(db.Model):
    """A project's own length, warning and escalation delays for one rule; NULL keeps the default."""

    __tablename__ = "deadline_policy"
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    minutes: Mapped[int | None] = mapped_column(Integer)  # length, or the grace after a booked time
    warn_percent: Mapped[int | None] = mapped_column(Integer)
    warn_minutes: Mapped[int | None] = mapped_column(Integer)  # for booked times: warn this long before
    escalation_minutes: Mapped[list | None] = mapped_column(JSON)  # further delay of each link after the first
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)


class WatcherHeartbeat(db.Model):
    """The last tick of any watcher; /healthz reports how long ago it was."""

    __tablename__ = "watcher_heartbeat"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    process: Mapped[str] = mapped_column(String(100), default="")  # host:pid of the last beat
