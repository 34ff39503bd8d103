"""The organisation: projects (项目部), buildings, units (房号), departments and users."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
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

    project: Mapped[Project] = relationship(back_populates="buildings")


class Unit(db.Model):
    """房号 — a flat or shop, with its owner."""

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
    short_key: Mapped[str] = mapped_column(String(30))
    owner_name: Mapped[str] = mapped_column(String(50), default="")
    owner_phone: Mapped[str] = mapped_column(String(20), default="")

    building: Mapped[Building] = relationship()


class Department(db.Model):
    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("project_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(50))


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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    project: Mapped[Project | None] = relationship()
    department: Mapped[Department | None] = relationship()

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
