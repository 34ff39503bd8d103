"""Demo complaints for project DEMO: one or more in every column of the board, each taken and moved
through the same services as in real use, at plausible times in the past (clock.Travel)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from .clock import Travel
from .clock import now as clock_now
from .extensions import db
from .models import Complaint, Department, Project, Unit, User
from .services import Actor
from .services import complaint_classification as classification
from .services import complaint_record as record
from .services import complaints


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
                topic=c.topic, work_log=c.content + "（已详细询问经过，业主情绪较激动）", severity=severity,
                criteria=list(criteria), forwarding=classification.Forwarding(mode, [depts[d] for d in dept])))

    def judge(c: Complaint, hours_ago: float, validity: str, reason: str, severity: str = "normal", criteria=()):
        with at(hours_ago):
            return classification.classify(by("clerk"), fresh(c), classification.Classification(
                validity=validity, reason=reason, severity=severity, criteria=list(criteria),
                normal_kind="rework" if validity == "valid" and severity == "normal" else None))

    def fresh(c: Complaint) -> Complaint:
        return db.session.get(Complaint, c.id)

    def handled(c: Complaint, hours_ago: float, cause: str, action: str, due_days: int = 3):
        with at(hours_ago):
            record.fill_record(by("depthead"), fresh(c), record.Findings(
                cause=cause, responsibility="工程部", responsible_department_id=depts["eng"]))
            return record.set_action(by("depthead"), fresh(c), action, users["depthead"].id,
                                     now - timedelta(hours=hours_ago) + timedelta(days=due_days))

    # 登记: just taken at the gate, and one solved on the spot by a technician
    take(0.7, "staff", units[3], "security", "夜间车库有陌生人徘徊，保安巡逻不到位")
    take(2, "tech1", units[8], "repair", "维修后卫生间地面没打扫干净",
         solved_on_spot=True, spot_action="当场重新清扫并向业主道歉")

    # 调查中: registered and forwarded to 环境部
    c = take(5, "staff", units[12], "environment", "楼下垃圾桶满了两天没人清运，气味很大")
    register(c, 4.5, dept=("env",))

    # 处理中: a serious one, 48 hours from its receipt, still without its on-site inspection
    c = take(30, "clerk", units[20], "facilities", "电梯困人半小时无人救援，业主已发到业主群和本地论坛",
             channel="phone")
    register(c, 29.5, "serious", ("media", "several_departments"), ("eng", "security"))
    judge(c, 28, "valid", "facilities", "serious", ("media", "several_departments"))
    handled(c, 20, "电梯维保单位应急响应超时；秩序部值班未及时到场", "与维保单位重签应急响应条款；秩序部每日巡查电梯")

    # 处理中, overdue: valid four days ago and no record yet (the watcher marks it on its next tick)
    c = take(100, "staff", units[25], "timeliness", "维修工约好上午来，下午四点才到")
    register(c, 99)
    judge(c, 98, "valid", "procedure")

    # 待回复: judged invalid yesterday, to be explained within the day
    c = take(22, "staff", units[30], "other", "要求物业赔偿停在小区外路边被刮的车")
    register(c, 21.5, dept=("security",))
    judge(c, 20, "invalid", "other_body")

    # 待回复: corrected and checked, the complainant still to be told
    c = take(70, "staff", units[35], "repair", "阳台下水管漏水，修了两次还漏")
    register(c, 69)
    judge(c, 68, "valid", "materials")
    a = handled(c, 60, "更换的管件质量不合格", "更换为合格管件并复查同批次维修", 2)
    with at(40):
        record.action_done(by("depthead"), fresh(c), a.id, "已更换合格管件，复查同批次3户")
    with at(30):
        record.verify_action(by("clerk"), fresh(c), a.id, True, "上门查看，不再漏水")
        record.record_result(by("depthead"), fresh(c), "更换管件，向业主致歉")

    # 已关闭: the whole way, answered and satisfied
    c = take(150, "staff", units[40], "attitude", "客服电话里语气很不耐烦")
    register(c, 149, dept=("cs",))
    judge(c, 148, "valid", "attitude")
    with at(140):
        record.fill_record(by("supervisor"), fresh(c), record.Findings(
            cause="客服人员高峰时段情绪急躁", responsibility="客服部", responsible_department_id=depts["cs"]))
        a = record.set_action(by("supervisor"), fresh(c), "客服部服务用语培训", users["supervisor"].id,
                              now - timedelta(hours=140) + timedelta(days=2))
    with at(120):
        record.action_done(by("supervisor"), fresh(c), a.id, "已组织培训")
        record.verify_action(by("clerk"), fresh(c), a.id, True, "抽查通话录音，用语规范")
        record.record_result(by("supervisor"), fresh(c), "当事客服人员当面致歉，部门培训")
        record.record_reply(by("clerk"), fresh(c), record.Contact(None, "phone", "电话告知处理结果并致歉"), "satisfied")
        complaints.close(by("clerk"), fresh(c))

    # 管理评审: a quality-system defect
    c = take(50, "staff", units[45], "repair", "同一个问题报修三次，每次修完没人回访，问题又出现")
    register(c, 49, "serious", ("quality_system",))
    judge(c, 48, "valid", "procedure", "serious", ("quality_system",))
