"""Setting up a real installation: projects, their buildings and units, departments and users."""
from __future__ import annotations

import json
import re
from pathlib import Path
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from ..database import prepared, transaction
from ..extensions import db
from ..models import (AppointmentWindow, Building, ContactKind, Department, LoginSession, Project, RepairCategory,
                      Role, Unit, UnitContact, User)
from ..models.job import PriceItem
from . import Actor, DomainError
from .audit import record

DEFAULTS = json.loads((Path(__file__).parent.parent / "data" / "defaults.json").read_text(encoding="utf-8"))


def add_project(actor: Actor, code: str, name: str, timezone: str = "Asia/Shanghai", address: str = "") -> Project:
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
        if not name.strip():
            raise DomainError(_("A project needs a name."))
        project = Project(code=code, name=name.strip(), timezone=timezone, address=address.strip())
        db.session.add(project)
        db.session.flush()
        for position, (cat_code, cat_name) in enumerate(DEFAULTS["categories"]):
            db.session.add(RepairCategory(project_id=project.id, code=cat_code, name=cat_name,
                                          position=position,
                                          common_parts=cat_code in DEFAULTS["common_categories"]))
        for item_code, item_name, unit, price_fen, kind in DEFAULTS["price_list"]:
            db.session.add(PriceItem(project_id=project.id, code=item_code, name=item_name, unit=unit,
                                     price_fen=price_fen, kind=kind))
        for position, (starts, ends) in enumerate(DEFAULTS["appointment_windows"]):
            db.session.add(AppointmentWindow(project_id=project.id, starts=starts, ends=ends, position=position))
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


def add_building(project: Project, name: str, completed_on: date | None = None, developer: str = "",
                 main_contractor: str = "") -> Building:
    b = Building(project_id=project.id, name=name, completed_on=completed_on, developer=developer,
                 main_contractor=main_contractor)
    db.session.add(b)
    db.session.flush()
    return b


def unit_label(building: str, unit_no: str, room: str) -> str:
    """3栋 + 2 + 1201 → 3栋2单元1201 (without a 单元: 3栋1201)."""
    return f"{building}{unit_no}单元{room}" if unit_no else f"{building}{room}"


def add_unit(project: Project, building: Building, label: str, owner_name: str = "",
             owner_phone: str = "", **fields) -> Unit:
    search_key, room, short_key = unit_keys(building.name, label)
    m = re.search(r"(\d+)单元(\d+)$", label)  # 3栋2单元1201: entrance 2, floor 12 (as migration 0007 reads it)
    if m:
        fields.setdefault("unit_no", m.group(1))
        fields.setdefault("floor", int(m.group(2)[:-2]) if len(m.group(2)) > 2 else None)
    u = Unit(project_id=project.id, building_id=building.id, label=label, search_key=search_key,
             room=fields.pop("room", None) or room, short_key=short_key, **fields)
    db.session.add(u)
    if owner_name or owner_phone:
        set_contacts(u, [dict(kind=ContactKind.OWNER, name=owner_name, phone=owner_phone)])
    return u


CONTACT_FIELDS = ("kind", "name", "phone", "phone2", "may_receive_messages")


def contact_values(unit: Unit) -> list[dict]:
    return [{f: getattr(c, f) for f in CONTACT_FIELDS} for c in unit.contacts]


def set_contacts(unit: Unit, contacts: list[dict]) -> None:
    """Replace a unit's contacts (in this order) and keep the owner copy on the unit for lists."""
    current = list(unit.contacts)
    for position, values in enumerate(contacts):
        values = {"kind": ContactKind.OWNER, "name": "", "phone": "", "phone2": "", "may_receive_messages": True,
                  **values}
        contact = current[position] if position < len(current) else UnitContact(project_id=unit.project_id)
        for f in CONTACT_FIELDS:
            setattr(contact, f, values[f])
        contact.position = position
        if position >= len(current):
            unit.contacts.append(contact)
    for extra in current[len(contacts):]:
        unit.contacts.remove(extra)
    first = contacts[0] if contacts else {}
    unit.owner_name, unit.owner_phone = first.get("name", ""), first.get("phone", "")


def add_department(project: Project, code: str, name: str) -> Department:
    d = Department(project_id=project.id, code=code, name=name)
    db.session.add(d)
    db.session.flush()
    return d


def add_user(actor: Actor, username: str, role: str, project_code: str | None, password: str,
             name: str | None = None, department_id: int | None = None, superior_id: int | None = None,
             phone: str = "", must_change_password: bool = False) -> User:
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
                    project_id=project.id if project else None, department_id=department_id,
                    superior_id=superior_id, phone=phone, must_change_password=must_change_password)
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


def common_categories(project_id: int) -> frozenset[str]:
    """The project's 公共设施 categories: their repairs are proposed as common parts (A3)."""
    return frozenset(db.session.scalars(select(RepairCategory.code).where(
        RepairCategory.project_id == project_id, RepairCategory.common_parts.is_(True))))


def windows(project_id: int) -> list[AppointmentWindow]:
    """The appointment windows the project offers, in its order."""
    return list(db.session.scalars(_windows_statement(), {"project_id": project_id}))


@prepared
def _windows_statement():
    return (select(AppointmentWindow).where(AppointmentWindow.project_id == bindparam("project_id"),
                                            AppointmentWindow.active.is_(True))
            .order_by(AppointmentWindow.position, AppointmentWindow.starts))


def window_choices(project_id: int) -> list[tuple[str, str]]:
    return [("", "—")] + [(w.value, w.value) for w in windows(project_id)]
