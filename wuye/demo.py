"""Demo data: project DEMO with buildings, units, one user per role and two weeks of orders.

Orders go through the same service functions as the desk, with the clock set back, so numbers,
timelines and audit events look exactly like real use.
"""
from __future__ import annotations

import random
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

USERS = [
    # username, role, name, department code
    ("admin", Role.ADMIN, "系统管理员", None),
    ("clerk", Role.CLERK, "陈静", "cs"),
    ("clerk2", Role.CLERK, "刘敏", "cs"),
    ("tech1", Role.TECHNICIAN, "张建国", "eng"),
    ("tech2", Role.TECHNICIAN, "李志强", "eng"),
    ("tech3", Role.TECHNICIAN, "王海涛", "eng"),
    ("tech4", Role.TECHNICIAN, "赵明", "eng"),
    ("housing", Role.HOUSING_OFFICER, "孙丽华", "office"),
    ("depthead", Role.DEPT_HEAD, "周伟", "eng"),
    ("supervisor", Role.CS_SUPERVISOR, "吴芳", "cs"),
    ("manager", Role.PROJECT_MANAGER, "郑国平", "office"),
    ("staff", Role.STAFF, "冯小军", "security"),
]

DEPARTMENTS = [("cs", "客服部"), ("eng", "工程部"), ("security", "秩序部"), ("env", "环境部"), ("office", "项目办")]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超"]

PROBLEMS = [
    ("plumbing_electric", "卫生间水龙头漏水，关不紧"),
    ("plumbing_electric", "客厅插座没电，空气开关跳闸"),
    ("doors_windows", "入户门锁芯卡住，钥匙转不动"),
    ("doors_windows", "卧室窗户合页松动，关不严"),
    ("drain", "厨房下水道堵塞，水排不下去"),
    ("drain", "卫生间地漏返臭、排水慢"),
    ("appliance", "热水器不点火"),
    ("walls_floors", "客厅墙面渗水起皮"),
    ("walls_floors", "阳台地砖空鼓开裂"),
    ("common_facility", "楼道声控灯不亮"),
    ("common_facility", "单元门门禁刷卡无反应"),
    ("other", "阳台晾衣架升降绳断了"),
]


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9))


def seed(skip_if_present: bool = False, orders: int = 90, rng_seed: int = 20261127) -> bool:
    if db.session.scalar(select(Project).where(Project.code == "DEMO")):
        if skip_if_present:
            return False
        raise RuntimeError("project DEMO exists already")
    rng = random.Random(rng_seed)
    project = orgs.add_project(CLI, "DEMO", "翠湖花园", "Asia/Shanghai")
    with transaction():
        project = db.session.get(Project, project.id)
        depts = {code: orgs.add_department(project, code, name) for code, name in DEPARTMENTS}
        for b in range(1, 7):
            building = orgs.add_building(project, f"{b}栋", completed_on=date(2022 + b % 3, 6, 30))
            for unit_no in (1, 2):
                for floor in range(1, 19):
                    for room in (1, 2):
                        owner = rng.choice(SURNAMES) + rng.choice(GIVEN)
                        orgs.add_unit(project, building, f"{b}栋{unit_no}单元{floor}{room:02d}", owner, _phone(rng))
    for username, role, name, dept in USERS:
        orgs.add_user(CLI, username, role, None if role == Role.ADMIN else "DEMO", DEMO_PASSWORD, name,
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
        category, text = rng.choice(PROBLEMS)
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
                repair_service.cancel(clerk, order, "业主来电取消，问题已自行解决", now=min(at + timedelta(minutes=30), clock_now()))
        elif rng.random() < 0.05:
            repair_service.cancel(clerk, order, "重复报修", now=min(at + timedelta(minutes=3), clock_now()))
