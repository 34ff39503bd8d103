"""业主投诉 — the complaint (DOMAIN.md B), its 顾客投诉处理记录表, corrective actions (纠正措施),
contacts with the complainant, forwardings (转呈) and escalations past the superior (越权上报).

The codes (the seed's own lists) are in `complaint_codes.py`.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from .org import Department, Unit, User
from .types import UTCDateTime
from .complaint_codes import Severity, ForwardMode, ContactPurpose, ActionState, ACTION_TO_DO


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
