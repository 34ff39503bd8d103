"""Demo data: project DEMO with buildings, units, one user per role and two weeks of orders.

Orders go through the same service functions as the desk, with the clock set back, so numbers,
timelines and audit events look exactly like real use.
"""
from __future__ import annotations

import json
import random
from pathlib import Path
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from .clock import now as clock_now
from .database import transaction
from .extensions import db
from .i18n import local_day, local_to_utc
from .models import Project, Role, Source, Unit, Urgency, User
from .services import Actor
from .services import orgs
from .services import repairs as repair_service

DEMO_PASSWORD = "wuye-demo-2026"
CLI = Actor(None, "cli")

DATA = json.loads((Path(__file__).parent / "data" / "demo.json").read_text(encoding="utf-8"))


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9))


def seed(skip_if_present: bool = False, orders: int = 90, rng_seed: int = 20261127) -> bool:
    code, name = DATA["project"]
    if db.session.scalar(select(Project).where(Project.code == code)):
        if skip_if_present:
            return False
        raise RuntimeError(f"project {code} exists already")
    rng = random.Random(rng_seed)
    project = orgs.add_project(CLI, code, name, "Asia/Shanghai")
    with transaction():
        project = db.session.get(Project, project.id)
        depts = {c: orgs.add_department(project, c, n) for c, n in DATA["departments"]}
        for b in range(1, 7):
            building = orgs.add_building(project, DATA["building_name"].format(n=b),
                                         completed_on=date(2022 + b % 3, 6, 30))
            for unit_no in (1, 2):
                for floor in range(1, 19):
                    for room in (1, 2):
                        owner = rng.choice(DATA["surnames"]) + rng.choice(DATA["given_names"])
                        label = DATA["unit_label"].format(building=building.name, unit=unit_no, floor=floor, room=room)
                        orgs.add_unit(project, building, label, owner, _phone(rng))
    for username, role, display, dept in DATA["users"]:
        orgs.add_user(CLI, username, role, None if role == Role.ADMIN else code, DEMO_PASSWORD, display,
                      department_id=depts[dept].id if dept else None)
    _seed_orders(project, rng, orders)
    return True


def _seed_orders(project: Project, rng: random.Random, count: int) -> None:
    clerks = db.session.scalars(select(User).where(User.role == Role.CLERK)).all()
    techs = db.session.scalars(select(User).where(User.role == Role.TECHNICIAN)).all()
    staff = db.session.scalars(select(User).where(User.role == Role.STAFF)).all()
    units = db.session.scalars(select(Unit).where(Unit.project_id == project.id)).all()
    today = local_day(clock_now(), project.timezone)
    moments = []
    for _i in range(count):
        day = today - timedelta(days=rng.choice([0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 9, 11, 13]))
        at = local_to_utc(day, time(rng.randint(8, 19), rng.randint(0, 59)), project.timezone)
        moments.append(min(at, clock_now() - timedelta(minutes=rng.randint(1, 90))))
    for at in sorted(moments):
        unit = rng.choice(units)
        category, text = rng.choice(DATA["problems"])
        emergency = rng.random() < 0.15
        source = rng.choices([Source.PHONE, Source.WALK_IN, Source.STAFF], [7, 2, 1])[0]
        start = end = None
        if not emergency:
            visit_day = local_day(at, project.timezone) + timedelta(days=rng.choice([0, 1, 1, 2]))
            hour = rng.choice([8, 10, 14, 16])
            start = local_to_utc(visit_day, time(hour), project.timezone)
            end = start + timedelta(hours=2)
            if end <= at:
                start, end = at + timedelta(hours=1), at + timedelta(hours=3)
        intake = repair_service.Intake(
            source=source, unit_id=unit.id, contact_name=unit.owner_name, contact_phone=unit.owner_phone,
            category=category, description=text, urgency=Urgency.EMERGENCY if emergency else Urgency.NORMAL,
            called_at=at - timedelta(minutes=rng.randint(0, 5)), appointment_start=start, appointment_end=end,
            reported_by_id=staff[0].id if source == Source.STAFF else None)
        clerk = Actor(rng.choice(clerks), "192.168.1.20")
        order = repair_service.create_order(clerk, project, intake, now=at)
        age = clock_now() - at
        if age > timedelta(hours=2) or rng.random() < 0.6:
            when = min(at + timedelta(minutes=rng.randint(1, 8)), clock_now())
            repair_service.dispatch(clerk, order, rng.choice(techs).id, now=when)
            if rng.random() < 0.08:
                repair_service.cancel(clerk, order, DATA["cancel_reasons"][0], now=min(at + timedelta(minutes=30), clock_now()))
        elif rng.random() < 0.05:
            repair_service.cancel(clerk, order, DATA["cancel_reasons"][1], now=min(at + timedelta(minutes=3), clock_now()))
