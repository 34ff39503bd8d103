"""Demo complaints for project DEMO: one or more in every column of the board, each taken and moved
through the same services as in real use, at plausible times in the past (clock.Travel)."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from .clock import Travel
from .clock import now as clock_now
from .extensions import db
from .models import Complaint, Department, Project, Unit, User
from .services import Actor
from .services.complaints import classification as classification
from .services.complaints import record as record
from .services.complaints import intake as complaints

DATA = json.loads((Path(__file__).parent / "data" / "demo_complaints.json").read_text(encoding="utf-8"))


def seed_complaints(project: Project) -> None:
    users = {u.username: u for u in db.session.scalars(select(User).where(User.project_id == project.id))}
    depts = {d.code: d.id for d in db.session.scalars(select(Department).where(Department.project_id == project.id))}
    units = list(db.session.scalars(select(Unit).where(Unit.project_id == project.id).order_by(Unit.id).limit(60)))
    now = clock_now()

    def by(name: str) -> Actor:
        return Actor(db.session.get(User, users[name].id), "192.168.1.20")

    def at(hours_ago: float):
        return Travel(now - timedelta(hours=hours_ago))

    def take(hours_ago: float, who: str, unit: Unit, topic: str, content: str, **kw) -> Complaint:
        with at(hours_ago):
            return complaints.take(by(who), project, complaints.Intake(
                channel=kw.pop("channel", "visit"), complainant_name=unit.owner_name,
                complainant_phone=unit.owner_phone, unit_id=unit.id, topic=topic, content=content, **kw))

    def register(c: Complaint, hours_ago: float, severity: str = "normal", criteria=(), dept: tuple = ("eng",)):
        with at(hours_ago):
            mode = "written" if severity == "serious" else "phone"
            return classification.register(by("clerk"), fresh(c), classification.Registration(
                topic=c.topic, work_log=c.content + DATA["registration_note"], severity=severity,
                criteria=list(criteria), forwarding=classification.Forwarding(mode, [depts[d] for d in dept])))

    def judge(c: Complaint, hours_ago: float, validity: str, reason: str, severity: str = "normal", criteria=()):
        with at(hours_ago):
            return classification.classify(by("clerk"), fresh(c), classification.Classification(
                validity=validity, reason=reason, severity=severity, criteria=list(criteria),
                normal_kind="rework" if validity == "valid" and severity == "normal" else None))

    def fresh(c: Complaint) -> Complaint:
        return db.session.get(Complaint, c.id)

    def handled(c: Complaint, hours_ago: float, case: dict, due_days: int = 3):
        with at(hours_ago):
            record.fill_record(by("depthead"), fresh(c), record.Findings(
                cause=case["cause"], responsibility=case["responsibility"], responsible_department_id=depts["eng"]))
            return record.set_action(by("depthead"), fresh(c), case["action"], users["depthead"].id,
                                     now - timedelta(hours=hours_ago) + timedelta(days=due_days))

    # 登记: just taken at the gate, and one solved on the spot by a technician
    take(0.7, "staff", units[3], "security", DATA["received"]["content"])
    case = DATA["solved_on_spot"]
    take(2, "tech1", units[8], "repair", case["content"], solved_on_spot=True, spot_action=case["spot_action"])

    # 调查中: registered and forwarded to 环境部
    c = take(5, "staff", units[12], "environment", DATA["investigating"]["content"])
    register(c, 4.5, dept=("env",))

    # 处理中: a serious one, 48 hours from its receipt, still without its on-site inspection
    case = DATA["serious"]
    c = take(30, "clerk", units[20], "facilities", case["content"], channel="phone")
    register(c, 29.5, "serious", ("media", "several_departments"), ("eng", "security"))
    judge(c, 28, "valid", "facilities", "serious", ("media", "several_departments"))
    handled(c, 20, case)

    # 处理中, overdue: valid four days ago and no record yet (the watcher marks it on its next tick)
    c = take(100, "staff", units[25], "timeliness", DATA["overdue"]["content"])
    register(c, 99)
    judge(c, 98, "valid", "procedure")

    # 待回复: judged invalid yesterday, to be explained within the day
    c = take(22, "staff", units[30], "other", DATA["invalid"]["content"])
    register(c, 21.5, dept=("security",))
    judge(c, 20, "invalid", "other_body")

    # 待回复: corrected and checked, the complainant still to be told
    case = DATA["corrected"]
    c = take(70, "staff", units[35], "repair", case["content"])
    register(c, 69)
    judge(c, 68, "valid", "materials")
    a = handled(c, 60, case, 2)
    with at(40):
        record.action_done(by("depthead"), fresh(c), a.id, case["done_note"])
    with at(30):
        record.verify_action(by("clerk"), fresh(c), a.id, True, case["verification_note"])
        record.record_result(by("depthead"), fresh(c), case["result"])

    # 处理中: one action reported done and waiting for customer service's check, another past its date
    case = DATA["to_check"]
    c = take(80, "staff", units[50], "facilities", case["content"])
    register(c, 79)
    judge(c, 78, "valid", "area")
    a = handled(c, 76, case, 2)
    with at(75):
        record.set_action(by("depthead"), fresh(c), case["late_action"], users["tech2"].id,
                          now - timedelta(hours=75) + timedelta(days=2))
    with at(10):
        record.action_done(by("depthead"), fresh(c), a.id, case["done_note"])

    # 已关闭: the whole way, answered and satisfied
    case = DATA["closed"]
    c = take(150, "staff", units[40], "attitude", case["content"])
    register(c, 149, dept=("cs",))
    judge(c, 148, "valid", "attitude")
    with at(140):
        record.fill_record(by("supervisor"), fresh(c), record.Findings(
            cause=case["cause"], responsibility=case["responsibility"], responsible_department_id=depts["cs"]))
        a = record.set_action(by("supervisor"), fresh(c), case["action"], users["supervisor"].id,
                              now - timedelta(hours=140) + timedelta(days=2))
    with at(120):
        record.action_done(by("supervisor"), fresh(c), a.id, case["done_note"])
        record.verify_action(by("clerk"), fresh(c), a.id, True, case["verification_note"])
        record.record_result(by("supervisor"), fresh(c), case["result"])
        record.record_reply(by("clerk"), fresh(c), record.Contact(None, "phone", case["reply"]), "satisfied")
        complaints.close(by("clerk"), fresh(c))

    # 管理评审: a quality-system defect
    c = take(50, "staff", units[45], "repair", DATA["review"]["content"])
    register(c, 49, "serious", ("quality_system",))
    judge(c, 48, "valid", "procedure", "serious", ("quality_system",))
