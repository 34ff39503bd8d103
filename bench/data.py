"""A big database for the benchmarks: bench/board.py's 100,000 orders, plus 20,000 complaints, the
running deadlines of the open orders and complaints, a department head and a clerk who can sign in.

    from bench.data import build_big
    ids = build_big(app, orders=100_000, complaints=20_000)
"""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, text

from bench.board import build as build_orders

PASSWORD = "bench-pass-1"


def build_big(app, orders: int = 100_000, complaints: int = 20_000) -> dict:
    from wuye.extensions import db
    from wuye.models import Complaint, Deadline, RepairOrder, Role, Unit, User
    from wuye.services import Actor, orgs

    ids = build_orders(app, orders)
    cli = Actor(None, "cli")
    with app.app_context():
        project_id = ids["project_id"]
        from wuye.models import Project
        project = db.session.get(Project, project_id)
        dept = orgs.add_department(project, "eng", "工程部")
        head = orgs.add_user(cli, "head", Role.DEPT_HEAD, "BENCH", PASSWORD, department_id=dept.id)
        orgs.add_user(cli, "sup", Role.CS_SUPERVISOR, "BENCH", PASSWORD)
        db.session.commit()
        clerk = db.session.scalar(select(User).where(User.username == "clerk"))
        units = db.session.scalars(select(Unit.id)).all()
        rng = random.Random(11)
        start = datetime(2025, 11, 27, tzinfo=UTC)
        states = ["received", "investigating", "handling", "awaiting_reply", "closed"]
        rows, day_seq = [], {}
        for i in range(complaints):
            at = start + timedelta(seconds=int(i * 365 * 86400 / complaints))
            day = at.date()
            day_seq[day] = day_seq.get(day, 0) + 1
            state = "closed" if i < complaints - 600 else rng.choice(states)
            rows.append(dict(project_id=project_id, number=f"TS-{day:%Y%m%d}-{day_seq[day]:04d}", state=state,
                             channel="phone", unit_id=rng.choice(units), complainant_name="业主",
                             complainant_phone=f"137{rng.randrange(10**8):08d}", topic="timeliness",
                             content="保洁不及时，楼道垃圾两天没有清理。" * 2, received_at=at,
                             received_by_id=clerk.id, handler_id=head.id, solved_on_spot=False,
                             other_units=False, management_review=False, criteria=[],
                             created_at=at, updated_at=at))
        for i in range(0, len(rows), 10_000):
            db.session.execute(insert(Complaint), rows[i:i + 10_000])
        db.session.commit()
        # running deadlines for what is still open, due around "now" so the badges show all three tones
        now = datetime.now(UTC)
        deadlines = []
        open_orders = db.session.execute(select(RepairOrder.id, RepairOrder.technician_id).where(
            RepairOrder.state.in_(["new", "dispatched", "in_progress"]))).all()
        for n, (oid, tech) in enumerate(open_orders):
            deadlines.append(dict(subject_type="repair_order", subject_id=oid, project_id=project_id,
                                  kind="appointment_arrival", started_at=now - timedelta(hours=3),
                                  due_at=now + timedelta(minutes=(n % 7 - 3) * 40),
                                  warn_at=now - timedelta(minutes=30), escalation_level=0,
                                  responsible_id=tech, created_at=now))
        open_complaints = db.session.scalars(select(Complaint.id).where(Complaint.state != "closed")).all()
        for n, cid in enumerate(open_complaints):
            deadlines.append(dict(subject_type="complaint", subject_id=cid, project_id=project_id,
                                  kind="valid_record", started_at=now - timedelta(days=1),
                                  due_at=now + timedelta(hours=(n % 5 - 2) * 6), escalation_level=0,
                                  responsible_id=head.id, created_at=now))
        for i in range(0, len(deadlines), 10_000):
            db.session.execute(insert(Deadline), deadlines[i:i + 10_000])
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        tech = db.session.get(User, ids["tech"])
        job = db.session.scalar(select(RepairOrder).where(RepairOrder.technician_id == tech.id,
                                                          RepairOrder.state == "dispatched")
                                .order_by(RepairOrder.id.desc()))
        ids.update(tech_username=tech.username, job_number=job.number)
        db.session.remove()
    return ids
