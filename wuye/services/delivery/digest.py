"""The managers' daily digest: once a local day per project, after WUYE_DIGEST_HOUR, a notice to
each manager with yesterday's figures — in the app, and by email where they gave an address.
A `digest_day` row (UNIQUE per project and day) makes it once, however many watchers run."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ...database import transaction
from ...extensions import db
from ...i18n import zone
from ...models import Complaint, Deadline, DigestDay, Project, RepairOrder, User
from ...workflow.complaint import OPEN_STATES as COMPLAINT_OPEN
from ...workflow.repair import OPEN_STATES as REPAIR_OPEN
from ..audit import record
from ..deadlines.table import SYSTEM
from ..notifications import notify
from .rules import MANAGERS


def figures(project: Project, start: datetime, end: datetime) -> dict:
    def count(q):
        return db.session.scalar(q) or 0
    return {
        "new_repairs": count(select(func.count()).select_from(RepairOrder).where(
            RepairOrder.project_id == project.id, RepairOrder.created_at >= start, RepairOrder.created_at < end)),
        "open_repairs": count(select(func.count()).select_from(RepairOrder).where(
            RepairOrder.project_id == project.id, RepairOrder.state.in_([str(s) for s in REPAIR_OPEN]))),
        "breaches": count(select(func.count()).select_from(Deadline).where(
            Deadline.project_id == project.id, Deadline.breached_at >= start, Deadline.breached_at < end)),
        "open_complaints": count(select(func.count()).select_from(Complaint).where(
            Complaint.project_id == project.id, Complaint.state.in_([str(s) for s in COMPLAINT_OPEN]))),
    }


def make_digests(at: datetime) -> int:
    """The digests due at `at`; returns how many projects got theirs now."""
    made = 0
    hour = int(current_app.config["WUYE_DIGEST_HOUR"])
    for project in db.session.scalars(select(Project).order_by(Project.id)).all():
        local = at.astimezone(zone(project.timezone))
        if local.hour < hour:
            continue
        day = local.date()
        if db.session.scalar(select(DigestDay.id).where(DigestDay.project_id == project.id, DigestDay.day == day)):
            continue  # made already today: a plain read, no write lock taken every pass
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        start, end = (midnight - timedelta(days=1)).astimezone(at.tzinfo), midnight.astimezone(at.tzinfo)
        try:
            with transaction():
                db.session.add(DigestDay(project_id=project.id, day=day, made_at=at))
                db.session.flush()  # another process made it already: IntegrityError, nothing else written
                numbers = figures(project, start, end)
                people = db.session.scalars(select(User).where(
                    User.project_id == project.id, User.role.in_(MANAGERS), User.active.is_(True))).all()
                for u in people:
                    notify(u, "daily_digest", link="/desk/escalations", day=(day - timedelta(days=1)).isoformat(),
                           **numbers)
                record(SYSTEM, "daily_digest", "project", project.id, project.id, at=at, day=day.isoformat(),
                       told=len(people), **numbers)
            made += 1
        except IntegrityError:
            continue
    return made
