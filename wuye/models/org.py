"""The organisation: projects (项目部), buildings, units (房号), departments and users."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..clock import now
from ..extensions import db
from .types import UTCDateTime


class Role(StrEnum):
    CLERK = "clerk"
    TECHNICIAN = "technician"
    HOUSING_OFFICER = "housing_officer"
    DEPT_HEAD = "dept_head"
    CS_SUPERVISOR = "cs_supervisor"
    PROJECT_MANAGER = "project_manager"
    STAFF = "staff"
    ADMIN = "admin"


class Project(db.Model):
    """项目部 — an estate run by the company."""

    __tablename__ = "project"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    address: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    buildings: Mapped[list[Building]] = relationship(back_populates="project", order_by="Building.name")


class Building(db.Model):
    __tablename__ = "building"
    __table_args__ = (UniqueConstraint("project_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    name: Mapped[str] = mapped_column(String(50))
    # 竣工验收合格: the warranty periods are counted from this date
    completed_on: Mapped[date | None] = mapped_column(Date)
    # for warranty claims against the builders later (DOMAIN.md A3)
    developer: Mapped[str] = mapped_column(String(100), default="")
    main_contractor: Mapped[str] = mapped_column(String(100), default="")

    project: Mapped[Project] = relationship(back_populates="buildings")


class UnitStatus(StrEnum):
    OCCUPIED = "occupied"
    VACANT = "vacant"
    RENTED = "rented"


class ContactKind(StrEnum):
    OWNER = "owner"
    TENANT = "tenant"
    FAMILY = "family"


class Unit(db.Model):
    """房号 — a flat or shop, with its contacts (owner, tenant, family).

    owner_name/owner_phone are a copy of the first contact, kept by services/orgs.set_contacts, so
    lists and the order forms that show "the owner" need no join."""

    __tablename__ = "unit"
    __table_args__ = (
        UniqueConstraint("project_id", "label"),
        Index("ix_unit_project_search", "project_id", "search_key"),
        Index("ix_unit_project_room", "project_id", "room"),
        Index("ix_unit_project_short", "project_id", "short_key"),
        Index("ix_unit_project_owner_phone", "project_id", "owner_phone"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    label: Mapped[str] = mapped_column(String(60))  # e.g. 3栋2单元1201
    # what a clerk types: the label's start (3栋2单元), the room (1201) or the short form (3-2-1201)
    search_key: Mapped[str] = mapped_column(String(60))
    room: Mapped[str] = mapped_column(String(20))
    unit_no: Mapped[str] = mapped_column(String(10), default="")  # 单元
    floor: Mapped[int | None] = mapped_column(Integer)
    # m² in hundredths: exact on SQLite and PostgreSQL alike, as fen are for money
    area_centi: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=UnitStatus.OCCUPIED)
    short_key: Mapped[str] = mapped_column(String(30))
    owner_name: Mapped[str] = mapped_column(String(50), default="")
    owner_phone: Mapped[str] = mapped_column(String(20), default="")
    # a lobby, corridor, lift or plant room: its repairs are 公共部位 (A3)
    common_area: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    building: Mapped[Building] = relationship()
    contacts: Mapped[list[UnitContact]] = relationship(back_populates="unit", order_by="UnitContact.position",
                                                       cascade="all, delete-orphan")


class UnitContact(db.Model):
    """A person to call about a unit: the owner, a tenant or a family member."""

    __tablename__ = "unit_contact"
    __table_args__ = (
        Index("ix_unit_contact_project_phone", "project_id", "phone"),
        Index("ix_unit_contact_project_phone2", "project_id", "phone2"),
        Index("ix_unit_contact_unit", "unit_id", "position"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(10), default=ContactKind.OWNER)
    name: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    phone2: Mapped[str] = mapped_column(String(20), default="")
    may_receive_messages: Mapped[bool] = mapped_column(Boolean, default=True)

    unit: Mapped[Unit] = relationship(back_populates="contacts")

    @property
    def phones(self) -> list[str]:
        return [p for p in (self.phone, self.phone2) if p]


class Department(db.Model):
    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("project_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(50))
    head_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", use_alter=True, ondelete="SET NULL"))

    head: Mapped[User | None] = relationship(foreign_keys=[head_id])


class User(UserMixin, db.Model):
    __tablename__ = "app_user"
    __table_args__ = (Index("ix_user_project_role", "project_id", "role", "active"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    superior_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    phone: Mapped[str] = mapped_column(String(20), default="")
    wecom_userid: Mapped[str] = mapped_column(String(64), default="")  # 企业微信 user id, for app messages
    locale: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # set by an admin's password reset: the next sign-in goes to "choose a new password" first
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    project: Mapped[Project | None] = relationship()
    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])
    superior: Mapped[User | None] = relationship(remote_side=[id], foreign_keys=[superior_id])

    def set_password(self, password: str) -> None:
        from flask import current_app
        self.password_hash = generate_password_hash(password, method=current_app.config["WUYE_PASSWORD_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class LoginSession(db.Model):
    """A signed-in browser. The cookie carries a random id; only its digest is stored here.

    Deleting the row ends that login for real, even if somebody kept a copy of the cookie.
    """

    __tablename__ = "login_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    address: Mapped[str] = mapped_column(String(64), default="")


class LoginAttempt(db.Model):
    """Failed sign-ins, counted to slow down password guessing across every app process."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_username_at", "username", "at"),
        Index("ix_login_attempt_address_at", "address", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    success: Mapped[bool] = mapped_column(Boolean, default=False)


class RepairCategory(db.Model):
    """The categories a project offers at intake; configurable per project."""

    __tablename__ = "repair_category"
    __table_args__ = (UniqueConstraint("project_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(50))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # 公共设施: a repair of this category is proposed as common parts wherever it is reported (A3)
    common_parts: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AppointmentWindow(db.Model):
    """A time window the desk offers for a visit (e.g. 08:00-10:00), per project."""

    __tablename__ = "appointment_window"
    __table_args__ = (UniqueConstraint("project_id", "starts", "ends"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    starts: Mapped[str] = mapped_column(String(5))  # HH:MM, local time of the project
    ends: Mapped[str] = mapped_column(String(5))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def value(self) -> str:
        return f"{self.starts}-{self.ends}"
