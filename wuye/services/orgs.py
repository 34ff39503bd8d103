"""Setting up a real installation: projects, their buildings and units, departments and users."""
from __future__ import annotations

import json
import re
from pathlib import Path
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _
from sqlalchemy import select

from ..database import transaction
from ..extensions import db
from ..models import Building, Department, LoginSession, Project, RepairCategory, Role, Unit, User
from ..models.job import PriceItem
from . import Actor, DomainError
from .audit import record

DEFAULTS = json.loads((Path(__file__).parent.parent / "data" / "defaults.json").read_text(encoding="utf-8"))


def add_project(actor: Actor, code: str, name: str, timezone: str = "Asia/Shanghai") -> Project:
    code = code.strip().upper()
    if not re.fullmatch(r"[A-Z0-9_-]{2,32}", code):
        raise DomainError(_("A project code is 2–32 letters, digits, - or _."))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise DomainError(_("Unknown time zone: %(tz)s", tz=timezone)) from None
    with transaction():
        if db.session.scalar(select(Project).where(Project.code == code)):
            raise DomainError(_("Project %(code)s already exists.", code=code))
        project = Project(code=code, name=name.strip(), timezone=timezone)
        db.session.add(project)
        db.session.flush()
        for position, (cat_code, cat_name) in enumerate(DEFAULTS["categories"]):
            db.session.add(RepairCategory(project_id=project.id, code=cat_code, name=cat_name,
                                          position=position))
        for item_code, item_name, unit, price_fen, kind in DEFAULTS["price_list"]:
            db.session.add(PriceItem(project_id=project.id, code=item_code, name=item_name, unit=unit,
                                     price_fen=price_fen, kind=kind))
        record(actor, "project_add", "project", project.id, project.id, code=code, name=project.name,
               timezone=timezone)
    return project


def unit_keys(building: str, label: str) -> tuple[str, str, str]:
    """(search_key, room, short_key) for a unit label such as 3栋2单元1201."""
    search_key = label.replace(" ", "")
    numbers = re.findall(r"\d+", search_key)
    room = numbers[-1] if numbers else search_key
    short_key = "-".join(numbers) if numbers else search_key
    return search_key, room, short_key


def add_building(project: Project, name: str, completed_on: date | None = None) -> Building:
    b = Building(project_id=project.id, name=name, completed_on=completed_on)
    db.session.add(b)
    db.session.flush()
    return b


def add_unit(project: Project, building: Building, label: str, owner_name: str = "",
             owner_phone: str = "") -> Unit:
    search_key, room, short_key = unit_keys(building.name, label)
    u = Unit(project_id=project.id, building_id=building.id, label=label, search_key=search_key,
             room=room, short_key=short_key, owner_name=owner_name, owner_phone=owner_phone)
    db.session.add(u)
    return u


def add_department(project: Project, code: str, name: str) -> Department:
    d = Department(project_id=project.id, code=code, name=name)
    db.session.add(d)
    db.session.flush()
    return d


def add_user(actor: Actor, username: str, role: str, project_code: str | None, password: str,
             name: str | None = None, department_id: int | None = None) -> User:
    username = username.strip()
    if role not in {r.value for r in Role}:
        raise DomainError(_("Unknown role: %(role)s", role=role))
    if not re.fullmatch(r"[A-Za-z0-9_.-]{2,50}", username):
        raise DomainError(_("A username is 2–50 letters, digits, dot, - or _."))
    if len(password) < 8:
        raise DomainError(_("A password has at least 8 characters."))
    with transaction():
        project = None
        if project_code:
            project = db.session.scalar(select(Project).where(Project.code == project_code.upper()))
            if project is None:
                raise DomainError(_("No project with code %(code)s.", code=project_code))
        elif role != Role.ADMIN:
            raise DomainError(_("Every user but an admin belongs to a project."))
        if db.session.scalar(select(User).where(User.username == username)):
            raise DomainError(_("User %(name)s already exists.", name=username))
        user = User(username=username, name=(name or username).strip(), role=role,
                    project_id=project.id if project else None, department_id=department_id)
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
        record(actor, "user_add", "user", user.id, user.project_id, username=username, role=role)
    return user


def set_active(actor: Actor, user: User, active: bool) -> User:
    """Disabling a user also ends every one of their logins at once."""
    with transaction():
        user = db.session.get(User, user.id)
        user.active = active
        if not active:
            db.session.execute(LoginSession.__table__.delete().where(LoginSession.user_id == user.id))
        record(actor, "user_enable" if active else "user_disable", "user", user.id, user.project_id,
               username=user.username)
    return user


def categories(project: Project) -> list[RepairCategory]:
    return list(db.session.scalars(
        select(RepairCategory).where(RepairCategory.project_id == project.id, RepairCategory.active.is_(True))
        .order_by(RepairCategory.position)
    ))
