"""Demo data: project DEMO with buildings, units, one user per role and two weeks of orders.

Orders go through the same service functions as the desk, with the clock set back, so numbers,
timelines and audit events look exactly like real use.
"""
from __future__ import annotations

import io
import json
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select

from .clock import Travel
from .clock import now as clock_now
from .database import transaction
from .extensions import db
from .i18n import local_day, local_to_utc
from .models import Project, Role, Source, Unit, Urgency, User
from .services import Actor
from .services import estate, import_units, orgs
from .services.repairs import intake as repair_service

DEMO_PASSWORD = "wuye-demo-2026"
CLI = Actor(None, "cli")

DATA = json.loads((Path(__file__).parent / "data" / "demo.json").read_text(encoding="utf-8"))
UNITS_FILE = Path(__file__).parent / "data" / "demo_units.csv"  # UTF-8 with BOM, as Excel saves "CSV UTF-8"


def seed(skip_if_present: bool = False, orders: int = 90, rng_seed: int = 20261127) -> bool:
    code, name = DATA["project"]
    if db.session.scalar(select(Project).where(Project.code == code)):
        if skip_if_present:
            return False
        raise RuntimeError(f"project {code} exists already")
    rng = random.Random(rng_seed)
    project = orgs.add_project(CLI, code, name, "Asia/Shanghai", address=DATA["address"])
    with transaction():
        project = db.session.get(Project, project.id)
        depts = {c: orgs.add_department(project, c, n) for c, n in DATA["departments"]}
        for b in range(1, 7):
            orgs.add_building(project, DATA["building_name"].format(n=b), completed_on=date(2022 + b % 3, 6, 30),
                              developer=DATA["developer"],
                              main_contractor=DATA["main_contractor"] if b <= 3 else DATA["other_contractor"])
    # the estate comes in as a company's would: a spreadsheet through the importer, its common parts
    # (a lobby, a lift, a pump room: 公共部位, A3) rows with 是 in that column
    import_units.apply(CLI, project, UNITS_FILE.read_bytes(), UNITS_FILE.name)
    for username, role, display, dept in DATA["users"]:
        orgs.add_user(CLI, username, role, None if role == Role.ADMIN else code, DEMO_PASSWORD, display,
                      department_id=depts[dept].id if dept else None)
    for code_, username in DATA["department_heads"].items():  # as an admin names them on the departments page
        dept = db.session.get(type(depts[code_]), depts[code_].id)
        estate.save_department(CLI, project, dept, dept.code, dept.name,
                               db.session.scalar(select(User.id).where(User.username == username)))
    _seed_orders(project, rng, orders)
    _seed_claims(project)
    from .demo_complaints import seed_complaints
    seed_complaints(project)
    from .demo_reports import seed_feedback  # 服务单, 回访 and cash handed over: the review's figures
    seed_feedback(project)
    return True


class _UnitFacts(NamedTuple):
    id: int
    common_area: bool
    owner_name: str
    owner_phone: str


def _problem(rng: random.Random, unit: _UnitFacts) -> tuple[str, str, str, str]:
    """(category, text, contact name, phone): common areas are reported by staff, some homes leak."""
    if unit.common_area:
        category, text = rng.choice(DATA["common_problems"])
        return category, text, *DATA["common_contact"]
    pool = DATA["warranty_problems"] if rng.random() < 0.25 else DATA["problems"]
    category, text = rng.choice(pool)
    return category, text, unit.owner_name, unit.owner_phone


def _seed_orders(project: Project, rng: random.Random, count: int) -> None:
    clerks = db.session.scalars(select(User).where(User.role == Role.CLERK)).all()
    techs = db.session.scalars(select(User).where(User.role == Role.TECHNICIAN)).all()
    staff = db.session.scalars(select(User).where(User.role == Role.STAFF)).all()
    # what the orders need of each unit, read once: ORM rows held across the ~2,000 commits below were
    # expired by each commit and read again, one SELECT each (most of the demo's time)
    units = [_UnitFacts(u.id, u.common_area, u.owner_name, u.owner_phone)
             for u in db.session.scalars(select(Unit).where(Unit.project_id == project.id)).all()]
    today = local_day(clock_now(), project.timezone)
    moments = []
    for _i in range(count):
        day = today - timedelta(days=rng.choice([0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 9, 11, 13]))
        at = local_to_utc(day, time(rng.randint(8, 19), rng.randint(0, 59)), project.timezone)
        moments.append(min(at, clock_now() - timedelta(minutes=rng.randint(1, 90))))
    # the last calls of the day still wait for dispatch
    moments += [clock_now() - timedelta(minutes=m) for m in (42, 17, 6)]
    fresh = set(moments[-3:])
    common = [u for u in units if u.common_area]
    for at in sorted(moments):
        unit = rng.choice(common) if rng.random() < 0.12 else rng.choice(units)
        category, text, contact, phone = _problem(rng, unit)
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
            source=source, unit_id=unit.id, contact_name=contact, contact_phone=phone,
            category=category, description=text, urgency=Urgency.EMERGENCY if emergency else Urgency.NORMAL,
            called_at=at - timedelta(minutes=rng.randint(0, 5)), appointment_start=start, appointment_end=end,
            reported_by_id=staff[0].id if source == Source.STAFF else None)
        clerk = Actor(rng.choice(clerks), "192.168.1.20")
        order = repair_service.create_order(clerk, project, intake, now=at)
        age = clock_now() - at
        if at in fresh:
            continue
        if age > timedelta(hours=2) or rng.random() < 0.6:
            when = min(at + timedelta(minutes=rng.randint(1, 8)), clock_now())
            tech = rng.choice(techs)
            repair_service.dispatch(clerk, order, tech.id, now=when)
            if age > timedelta(hours=6) and rng.random() < 0.85:
                _work(order, tech, when, rng)
                continue
            if rng.random() < 0.08:
                repair_service.cancel(clerk, order, DATA["cancel_reasons"][0], now=min(at + timedelta(minutes=30), clock_now()))
        elif rng.random() < 0.05:
            repair_service.cancel(clerk, order, DATA["cancel_reasons"][1], now=min(at + timedelta(minutes=3), clock_now()))


def _work(order, tech: User, dispatched: datetime, rng: random.Random) -> None:
    """The technician's side, step by step through the same services, at plausible times."""
    from PIL import Image, ImageDraw

    from .models.job import PriceItem
    from .services.repairs import technician as job
    from .services.repairs import quote as quoting

    def signature() -> bytes:
        img = Image.new("RGBA", (480, 160), (255, 255, 255, 0))
        d = ImageDraw.Draw(img)
        points = [(20 + i * 55, rng.randint(30, 130)) for i in range(9)]
        d.line(points, fill=(20, 20, 20, 255), width=4)
        buf = io.BytesIO()
        img.save(buf, "PNG")
        return buf.getvalue()

    actor = Actor(tech, "10.8.0.12")
    moment = dispatched
    outcome = rng.choices(["completed", "declined", "revisit", "in_progress"], [78, 7, 7, 8])[0]
    materials = db.session.scalars(select(PriceItem).where(PriceItem.project_id == order.project_id,
                                                           PriceItem.kind == "material")).all()

    def step(fn, *args, minutes=(1, 5)):
        nonlocal moment
        moment += timedelta(minutes=rng.randint(*minutes))
        with Travel(moment):
            return fn(job.Step(actor, db.session.get(type(order), order.id)), *args)

    step(job.accept, minutes=(1, 6))
    for item in job.CHECKLIST:
        step(job.tick, item, True, minutes=(0, 1))
    step(job.depart, minutes=(2, 9))
    step(job.arrive, minutes=(8, 25))
    step(job.at_door, rng.choice(job.SHOE_CHOICES), rng.random() < 0.3, minutes=(1, 2))
    if order.charge_type == "warranty" and rng.random() < 0.25:  # misuse: paid work even inside the warranty
        step(job.change_charge, "paid", rng.choice(DATA["misuse_reasons"]), minutes=(2, 5))
    item = rng.choice(materials)
    quote = quoting.QuoteInput(labour_minutes=rng.choice([30, 60, 90, 120]), lines=[
        quoting.QuoteLineInput(name=item.name, unit=item.unit, quantity_milli=1000 * rng.randint(1, 2),
                           unit_price_fen=item.price_fen, price_item_id=item.id)])
    if outcome == "declined":
        step(job.decline, quote, DATA["decline_reasons"][rng.randrange(len(DATA["decline_reasons"]))])
        return
    step(job.consent, quote, signature(), minutes=(3, 8))
    if outcome == "revisit":
        start = local_to_utc(local_day(moment, "Asia/Shanghai") + timedelta(days=2), time(14), "Asia/Shanghai")
        step(job.cannot_fix, DATA["revisit_reasons"][0], start, start + timedelta(hours=2), minutes=(10, 30))
        return
    if outcome == "in_progress":
        return
    step(job.note, DATA["work_notes"][rng.randrange(len(DATA["work_notes"]))], minutes=(15, 40))
    step(job.finish, minutes=(1, 10))
    step(job.sign_acceptance, True, signature(), minutes=(2, 6))
    total = quoting.accepted_quote(db.session.get(type(order), order.id)).total_fen
    if total == 0 and db.session.get(type(order), order.id).charge_type != "paid":
        step(job.pay, job.PaymentInput(method=job.NO_CHARGE, amount_fen=0, receipt_no=""), minutes=(1, 3))
        return
    method = rng.choices(list(job.PAY_METHODS), [5, 3, 2, 1])[0]
    step(job.pay, job.PaymentInput(method=method, amount_fen=total, receipt_no=f"SJ{moment:%m%d}{order.id:04d}",
                                   invoice_wanted=rng.random() < 0.15), minutes=(1, 3))


def _seed_claims(project: Project) -> None:
    """The CS supervisor has sent the first claim letter: the oldest warranty jobs are claimed, one is paid."""
    from .services.repairs import claims
    supervisor = db.session.scalar(select(User).where(User.role == Role.CS_SUPERVISOR))
    actor = Actor(supervisor, "192.168.1.21")
    jobs = [r.order.id for g in claims.claim_list(project, "warranty") for r in g.rows]
    first = sorted(jobs)[: max(1, len(jobs) // 3)] if jobs else []
    if first:
        claims.mark(actor, project, first, "claimed")
        claims.mark(actor, project, first[:1], "paid")
