"""业主投诉 — the complaint (DOMAIN.md B), its 顾客投诉处理记录表, corrective actions (纠正措施),
contacts with the complainant, forwardings (转呈) and escalations past the superior (越权上报).

The codes below are the seed's own lists; their words in the reader's language are in
`wuye/complaints/labels.py`.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from .org import Department, Unit, User
from .types import UTCDateTime


class Channel(StrEnum):
    """How the complaint reached the company."""

    PHONE = "phone"  # 电话
    VISIT = "visit"  # 来访
    WRITTEN = "written"  # 书面
    MEDIA = "media"  # 媒体曝光
    GOVERNMENT = "government"  # 政府转办
    COMPANY = "company"  # 公司转办
    OTHER = "other"  # 其他


# B1(4): complaints made directly to the company or to a government body are the CS supervisor's
SUPERVISOR_CHANNELS = frozenset({Channel.GOVERNMENT, Channel.COMPANY})


class Topic(StrEnum):
    """What the complaint is about (repeat detection looks at the household, whatever the topic)."""

    ATTITUDE = "attitude"  # 服务态度
    REPAIR = "repair"  # 维修质量
    TIMELINESS = "timeliness"  # 服务及时性
    FACILITIES = "facilities"  # 公共设施设备
    ENVIRONMENT = "environment"  # 环境卫生
    SECURITY = "security"  # 秩序安全
    FEES = "fees"  # 收费
    NOISE = "noise"  # 噪音扰民
    OTHER = "other"  # 其他


class Validity(StrEnum):
    VALID = "valid"  # 有效投诉
    INVALID = "invalid"  # 无效投诉


class InvalidReason(StrEnum):
    """B4 无效投诉 1)–3)."""

    UNAWARE_OF_RULES = "unaware_of_rules"  # 不了解行业标准、项目部相关管理规定
    INSUFFICIENT_BASIS = "insufficient_basis"  # 依据不充分，凭主观判断
    OTHER_BODY = "other_body"  # 须由政府或其他部门解决，与项目部服务无直接关系


class ValidReason(StrEnum):
    """B4 有效投诉 1)–5)."""

    ATTITUDE = "attitude"  # 服务态度不礼貌、服务语言不规范
    PROCEDURE = "procedure"  # 不熟悉工作程序，服务不及时、不准时、不省时
    FACILITIES = "facilities"  # 公共设备设施、维修器材工具管理不善
    MATERIALS = "materials"  # 维修材料、零星配件、产品质量不合格
    AREA = "area"  # 所辖区域管理不善：秩序、环境、安全


REASONS = {Validity.VALID: frozenset(ValidReason), Validity.INVALID: frozenset(InvalidReason)}


class Severity(StrEnum):
    NORMAL = "normal"  # 普通投诉
    SERIOUS = "serious"  # 严重投诉


class NormalKind(StrEnum):
    """B3 普通投诉 1)–2): how a normal complaint is ended."""

    REWORK = "rework"  # 返工、返修补救
    CONCESSION = "concession"  # 让步处理


class SeriousCriterion(StrEnum):
    """B3 严重投诉 1)–6); any one makes a complaint serious."""

    SEVERAL_DEPARTMENTS = "several_departments"  # 涉及部门较多
    MEDIA = "media"  # 公开媒体曝光，造成不良社会影响
    IMAGE = "image"  # 严重影响公司形象、声誉、利益
    SYSTEM_DOUBT = "system_doubt"  # 导致对公司制度管理系统产生怀疑
    REPEATED = "repeated"  # 短时间内业户重复投诉，问题不能妥善解决、纠正措施无效
    QUALITY_SYSTEM = "quality_system"  # 因质量体系缺陷导致 — 必须提交管理评审


class ForwardMode(StrEnum):
    """转呈: a normal complaint by phone or in person, a serious one in writing."""

    PHONE = "phone"  # 电话转呈
    VERBAL = "verbal"  # 口头转呈
    WRITTEN = "written"  # 书面转呈


class ContactPurpose(StrEnum):
    EXPLAIN = "explain"  # 解释 (an invalid complaint; B4 4))
    OTHER_UNITS = "other_units"  # 涉及其他单位：解释并说明跟进
    PROGRESS = "progress"  # 跟进进展
    REPLY = "reply"  # 答复处理结果


class ContactChannel(StrEnum):
    PHONE = "phone"  # 电话
    VISIT = "visit"  # 上门
    DESK = "desk"  # 来访面谈
    MESSAGE = "message"  # 短信/微信
    WRITTEN = "written"  # 书面


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASICALLY = "basically"  # 基本满意
    DISSATISFIED = "dissatisfied"  # 不满意


class RepeatStatus(StrEnum):
    SUGGESTED = "suggested"  # 疑似重复投诉，待客服部确认
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class ActionState(StrEnum):
    OPEN = "open"  # 待完成
    DONE = "done"  # 已完成，待客服部检查
    EFFECTIVE = "effective"  # 检查有效
    INEFFECTIVE = "ineffective"  # 检查无效：纠正措施无效 (reopened with a new due date)


ACTION_TO_DO = (ActionState.OPEN, ActionState.INEFFECTIVE)  # its owner still has to do it


class ComplaintCounter(db.Model):
    """The day's last complaint number per project (TS-YYYYMMDD-NNNN), like the repair counter."""

    __tablename__ = "complaint_counter"
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


complaint_department = db.Table(
    "complaint_department", db.metadata,
    db.Column("complaint_id", ForeignKey("complaint.id", ondelete="CASCADE"), primary_key=True),
    db.Column("department_id", ForeignKey("department.id"), primary_key=True),
    # a department's complaints (a department head's board) without reading every complaint's row
    Index("ix_complaint_department_department", "department_id", "complaint_id"),
)

complaint_person = db.Table(
    "complaint_person", db.metadata,
    db.Column("complaint_id", ForeignKey("complaint.id", ondelete="CASCADE"), primary_key=True),
    db.Column("user_id", ForeignKey("app_user.id"), primary_key=True),
)

complaint_repeat = db.Table(
    "complaint_repeat", db.metadata,
    db.Column("complaint_id", ForeignKey("complaint.id", ondelete="CASCADE"), primary_key=True),
    db.Column("earlier_id", ForeignKey("complaint.id"), primary_key=True),
)


class Complaint(db.Model):
    """One complaint, from the employee who took it to the answer the complainant got.

    The columns after the intake are the 客服部工作记录表 entry, the classification (B3, B4) and the
    顾客投诉处理记录表 (B5), each filled by its own service function.
    """

    __tablename__ = "complaint"
    __table_args__ = (
        UniqueConstraint("project_id", "number"),
        Index("ix_complaint_project_state", "project_id", "state", "id"),
        # the board's closed column: the last days' closings, latest first, without the years before
        Index("ix_complaint_project_state_closed", "project_id", "state", "closed_at"),
        Index("ix_complaint_project_unit", "project_id", "unit_id", "received_at"),
        Index("ix_complaint_project_receiver", "project_id", "received_by_id", "id"),
        Index("ix_complaint_project_handler", "project_id", "handler_id", "id"),
        Index("ix_complaint_project_review", "project_id", "management_review", "id"),
        Index("ix_complaint_project_received", "project_id", "received_at"),  # the reports by period
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    number: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))

    # intake (B2): whoever received it
    channel: Mapped[str] = mapped_column(String(12))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    complainant_name: Mapped[str] = mapped_column(String(50))
    complainant_phone: Mapped[str] = mapped_column(String(20), default="")
    topic: Mapped[str | None] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    solved_on_spot: Mapped[bool] = mapped_column(Boolean, default=False)
    spot_action: Mapped[str | None] = mapped_column(Text)  # what was done on the spot

    # 客服部工作记录表: registered by customer service
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    work_log: Mapped[str | None] = mapped_column(Text)  # 详细登记: what CS asked and noted
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))  # dept head or assigned manager
    other_units: Mapped[bool] = mapped_column(Boolean, default=False)  # 涉及其它单位（部门）
    other_units_note: Mapped[str | None] = mapped_column(Text)

    # classification (B3, B4)
    validity: Mapped[str | None] = mapped_column(String(10))
    validity_reason: Mapped[str | None] = mapped_column(String(30))
    validity_note: Mapped[str | None] = mapped_column(Text)
    severity: Mapped[str | None] = mapped_column(String(10))
    normal_kind: Mapped[str | None] = mapped_column(String(12))
    criteria: Mapped[list] = mapped_column(JSON, default=list)
    classified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    classified_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    overruled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overruled_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    overrule_reason: Mapped[str | None] = mapped_column(Text)

    # 管理评审: a complaint caused by a quality-system defect
    management_review: Mapped[bool] = mapped_column(Boolean, default=False)
    review_conclusion: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    # 短时间内重复投诉
    repeat_status: Mapped[str | None] = mapped_column(String(10))
    repeat_reason: Mapped[str | None] = mapped_column(Text)
    repeat_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    repeat_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    # 顾客投诉处理记录表: cause, responsibility and the responsible person's confirmation
    cause: Mapped[str | None] = mapped_column(Text)
    responsibility: Mapped[str | None] = mapped_column(Text)
    responsible_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    confirmation_note: Mapped[str | None] = mapped_column(Text)
    # a serious complaint: the on-site inspection led by the customer-service manager
    inspected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    inspection_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    inspection_participants: Mapped[str | None] = mapped_column(Text)
    inspection_findings: Mapped[str | None] = mapped_column(Text)
    # 《员工考核及奖惩办法》: the decision as written, no pay is computed here
    penalty_decision: Mapped[str | None] = mapped_column(Text)
    penalty_reference: Mapped[str | None] = mapped_column(String(200))
    penalty_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    penalty_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # 处理结果, the answer and how the complainant took it
    result: Mapped[str | None] = mapped_column(Text)
    result_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    satisfaction: Mapped[str | None] = mapped_column(String(14))
    satisfaction_note: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    close_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    unit: Mapped[Unit | None] = relationship()
    received_by: Mapped[User] = relationship(foreign_keys=[received_by_id])
    registered_by: Mapped[User | None] = relationship(foreign_keys=[registered_by_id])
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])
    classified_by: Mapped[User | None] = relationship(foreign_keys=[classified_by_id])
    overruled_by: Mapped[User | None] = relationship(foreign_keys=[overruled_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    repeat_decided_by: Mapped[User | None] = relationship(foreign_keys=[repeat_decided_by_id])
    responsible_department: Mapped[Department | None] = relationship(foreign_keys=[responsible_department_id])
    responsible_user: Mapped[User | None] = relationship(foreign_keys=[responsible_user_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    inspection_by: Mapped[User | None] = relationship(foreign_keys=[inspection_by_id])
    penalty_by: Mapped[User | None] = relationship(foreign_keys=[penalty_by_id])
    result_by: Mapped[User | None] = relationship(foreign_keys=[result_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    departments: Mapped[list[Department]] = relationship(secondary=complaint_department,
                                                         order_by=Department.id)
    people: Mapped[list[User]] = relationship(secondary=complaint_person, order_by=User.id)
    earlier: Mapped[list[Complaint]] = relationship(
        secondary=complaint_repeat, primaryjoin=lambda: Complaint.id == complaint_repeat.c.complaint_id,
        secondaryjoin=lambda: Complaint.id == complaint_repeat.c.earlier_id, order_by=lambda: Complaint.id)
    actions: Mapped[list[CorrectiveAction]] = relationship(back_populates="complaint",
                                                           order_by="CorrectiveAction.seq")
    contacts: Mapped[list[ComplaintContact]] = relationship(order_by="ComplaintContact.at")
    forwardings: Mapped[list[ComplaintForwarding]] = relationship(order_by="ComplaintForwarding.id")
    escalations: Mapped[list[ComplaintEscalation]] = relationship(order_by="ComplaintEscalation.id")

    @property
    def serious(self) -> bool:
        return self.severity == Severity.SERIOUS

    @property
    def classified(self) -> bool:
        return self.validity is not None

    @property
    def written_forwarding(self) -> ComplaintForwarding | None:
        return next((f for f in reversed(self.forwardings) if f.mode == ForwardMode.WRITTEN), None)

    @property
    def reply(self) -> ComplaintContact | None:
        return next((c for c in reversed(self.contacts) if c.purpose == ContactPurpose.REPLY), None)


class CorrectiveAction(db.Model):
    """纠正措施: set by the person responsible, done by its owner by its due date, checked by
    customer service. An action found ineffective reopens with a new due date."""

    __tablename__ = "corrective_action"
    __table_args__ = (
        UniqueConstraint("complaint_id", "seq"),
        Index("ix_corrective_action_owner", "project_id", "owner_id", "state"),
        Index("ix_corrective_action_tracking", "project_id", "state", "due_at"),  # CS's follow-up lists
        Index("ix_corrective_action_project_due", "project_id", "due_at"),  # the reports by period
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, ... within the complaint
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(12), default=ActionState.OPEN)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime)
    set_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    done_note: Mapped[str | None] = mapped_column(Text)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    verification_note: Mapped[str | None] = mapped_column(Text)
    failed_checks: Mapped[int] = mapped_column(Integer, default=0)  # times found ineffective

    complaint: Mapped[Complaint] = relationship(back_populates="actions")
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    set_by: Mapped[User] = relationship(foreign_keys=[set_by_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])

    @property
    def number(self) -> str:
        return f"{self.complaint.number} #{self.seq}"

    @property
    def open(self) -> bool:
        return self.state in ACTION_TO_DO

    @property
    def unit(self) -> Unit | None:  # the escalation inbox shows the unit of every subject
        return self.complaint.unit


class ComplaintContact(db.Model):
    """A contact with the complainant: when, how, what was said."""

    __tablename__ = "complaint_contact"
    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)  # when it happened
    channel: Mapped[str] = mapped_column(String(10))
    purpose: Mapped[str] = mapped_column(String(12))
    content: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    by: Mapped[User] = relationship()


class ComplaintForwarding(db.Model):
    """转呈: to whom the complaint was passed and how; a written one has a printable document."""

    __tablename__ = "complaint_forwarding"
    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    mode: Mapped[str] = mapped_column(String(10))
    to: Mapped[str] = mapped_column(Text)  # the departments and people, as forwarded
    note: Mapped[str | None] = mapped_column(Text)
    by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))

    by: Mapped[User] = relationship()


class ComplaintEscalation(db.Model):
    """越权上报: the receiving employee goes past their superior because the complaint is not handled."""

    __tablename__ = "complaint_escalation"
    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    to_role: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))

    by: Mapped[User] = relationship()
