"""Administration of a project's data: the project, buildings, units with contacts, departments, users,
categories, the price list, the labour rate and the appointment windows (issue 11).

Each function changes one object in one transaction and writes an audit event with the old and new
value of every field it changed; an edit that changes nothing writes nothing.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _
from sqlalchemy import select

from ..database import transaction
from ..extensions import db
from ..models import (AppointmentWindow, Building, Department, LoginSession, Project, RepairCategory, Role, Unit,
                      User)
from ..models.job import PriceItem
from . import Actor, InvalidInput
from .audit import record
from .orgs import contact_values, set_contacts, unit_keys, unit_label


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _apply(actor: Actor, obj, subject_type: str, project_id: int | None, values: dict[str, Any],
           action: str | None = None) -> dict:
    """Set the fields that differ and record them as {field: [old, new]}; the caller's transaction commits."""
    changes = {}
    for k, new in values.items():
        old = getattr(obj, k)
        if old != new:
            changes[k] = [_plain(old), _plain(new)]
            setattr(obj, k, new)
    if changes:
        db.session.flush()
        record(actor, action or f"{subject_type}_change", subject_type, obj.id, project_id, **changes)
    return changes


def _text(value: str | None, limit: int, what: str, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("%(what)s is required.", what=what))
    if len(value) > limit:
        raise InvalidInput(_("%(what)s has at most %(n)d characters.", what=what, n=limit))
    return value


def update_project(actor: Actor, project: Project, name: str, timezone: str, address: str) -> dict:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(_("Unknown time zone: %(tz)s", tz=timezone)) from None
    with transaction():
        project = db.session.get(Project, project.id)
        return _apply(actor, project, "project", project.id, {
            "name": _text(name, 100, _("The name"), True), "timezone": timezone,
            "address": _text(address, 200, _("The address"))})


def save_building(actor: Actor, project: Project, building: Building | None, name: str,
                  completed_on: date | None, developer: str, main_contractor: str) -> Building:
    name = _text(name, 50, _("The name"), True)
    with transaction():
        clash = db.session.scalar(select(Building).where(Building.project_id == project.id, Building.name == name))
        if clash is not None and (building is None or clash.id != building.id):
            raise InvalidInput(_("Building %(name)s already exists.", name=name))
        values = {"name": name, "completed_on": completed_on, "developer": _text(developer, 100, _("The developer")),
                  "main_contractor": _text(main_contractor, 100, _("The main contractor"))}
        if building is None:
            building = Building(project_id=project.id, **values)
            db.session.add(building)
            db.session.flush()
            record(actor, "building_add", "building", building.id, project.id, **{k: _plain(v) for k, v in values.items()})
            return building
        building = db.session.get(Building, building.id)
        if building.name != name:
            _relabel(building, name)
        _apply(actor, building, "building", project.id, values)
        return building


def _relabel(building: Building, name: str) -> None:
    """A renamed building renames its units' labels, which are what the desk searches."""
    for unit in db.session.scalars(select(Unit).where(Unit.building_id == building.id)):
        unit.label = unit_label(name, unit.unit_no, unit.room)
        unit.search_key, _room, unit.short_key = unit_keys(name, unit.label)


def save_unit(actor: Actor, project: Project, unit: Unit | None, building_id: int, unit_no: str, floor: int | None,
              room: str, area_centi: int | None, status: str, contacts: list[dict],
              common_area: bool | None = None) -> Unit:
    """Add or change a unit; `common_area` None leaves it as it is (公共部位: repairs proposed free)."""
    building = db.session.get(Building, building_id)
    if building is None or building.project_id != project.id:
        raise InvalidInput(_("Choose a building of this project."))
    room = _text(room, 20, _("The room number"), True)
    unit_no = _text(unit_no, 10, _("The entrance"))
    label = unit_label(building.name, unit_no, room)
    with transaction():
        clash = db.session.scalar(select(Unit).where(Unit.project_id == project.id, Unit.label == label))
        if clash is not None and (unit is None or clash.id != unit.id):
            raise InvalidInput(_("Unit %(label)s already exists.", label=label))
        search_key, _room, short_key = unit_keys(building.name, label)
        values = {"building_id": building.id, "unit_no": unit_no, "floor": floor, "room": room, "label": label,
                  "search_key": search_key, "short_key": short_key, "area_centi": area_centi, "status": status}
        if common_area is not None:
            values["common_area"] = bool(common_area)
        if unit is None:
            unit = Unit(project_id=project.id, owner_name="", owner_phone="", **values)
            db.session.add(unit)
            set_contacts(unit, contacts)
            db.session.flush()
            record(actor, "unit_add", "unit", unit.id, project.id, **values, contacts=contacts)
            return unit
        unit = db.session.get(Unit, unit.id)
        old_contacts = contact_values(unit)
        changes = {}  # one event for the fields and the contacts together
        for k, new in values.items():
            if getattr(unit, k) != new:
                changes[k] = [getattr(unit, k), new]
                setattr(unit, k, new)
        if old_contacts != contacts:
            set_contacts(unit, contacts)
            changes["contacts"] = [old_contacts, contacts]
        if changes:
            record(actor, "unit_change", "unit", unit.id, project.id, **changes)
        return unit


def save_department(actor: Actor, project: Project, department: Department | None, code: str, name: str,
                    head_id: int | None) -> Department:
    code = _text(code, 32, _("The code"), True)
    if not re.fullmatch(r"[A-Za-z0-9_-]+", code):
        raise InvalidInput(_("A code is letters, digits, - or _."))
    name = _text(name, 50, _("The name"), True)
    if head_id is not None:
        head = db.session.get(User, head_id)
        if head is None or head.project_id != project.id:
            raise InvalidInput(_("The head must be a user of this project."))
    with transaction():
        clash = db.session.scalar(select(Department).where(Department.project_id == project.id,
                                                           Department.code == code))
        if clash is not None and (department is None or clash.id != department.id):
            raise InvalidInput(_("Department %(code)s already exists.", code=code))
        values = {"code": code, "name": name, "head_id": head_id}
        if department is None:
            department = Department(project_id=project.id, **values)
            db.session.add(department)
            db.session.flush()
            record(actor, "department_add", "department", department.id, project.id, **values)
            return department
        department = db.session.get(Department, department.id)
        _apply(actor, department, "department", project.id, values)
        return department


def update_user(actor: Actor, user: User, name: str, role: str, department_id: int | None,
                superior_id: int | None, phone: str, active: bool) -> dict:
    if role not in {r.value for r in Role} or (role == Role.ADMIN) != (user.role == Role.ADMIN):
        raise InvalidInput(_("Unknown role: %(role)s", role=role))
    if department_id is not None:
        d = db.session.get(Department, department_id)
        if d is None or d.project_id != user.project_id:
            raise InvalidInput(_("Choose a department of the user's project."))
    if superior_id is not None:
        s = db.session.get(User, superior_id)
        if s is None or s.project_id != user.project_id or s.id == user.id:
            raise InvalidInput(_("The direct superior must be another user of the same project."))
    with transaction():
        user = db.session.get(User, user.id)
        changes = _apply(actor, user, "user", user.project_id, {
            "name": _text(name, 50, _("The name"), True), "role": role, "department_id": department_id,
            "superior_id": superior_id, "phone": phone, "active": active})
        if not active:
            db.session.execute(LoginSession.__table__.delete().where(LoginSession.user_id == user.id))
        return changes


def reset_password(actor: Actor, user: User, password: str) -> None:
    """An admin sets a one-time password; the user chooses their own at the next sign-in."""
    if len(password) < 8:
        raise InvalidInput(_("A password has at least 8 characters."))
    with transaction():
        user = db.session.get(User, user.id)
        user.set_password(password)
        user.must_change_password = True
        db.session.execute(LoginSession.__table__.delete().where(LoginSession.user_id == user.id))
        record(actor, "password_reset", "user", user.id, user.project_id, must_change_password=[False, True])


def choose_password(actor: Actor, user: User, password: str) -> None:
    if len(password) < 8:
        raise InvalidInput(_("A password has at least 8 characters."))
    with transaction():
        user = db.session.get(User, user.id)
        if user.check_password(password):
            raise InvalidInput(_("Choose a password other than the one you were given."))
        user.set_password(password)
        user.must_change_password = False
        record(actor, "password_change", "user", user.id, user.project_id)


def save_category(actor: Actor, project: Project, category: RepairCategory | None, code: str, name: str,
                  position: int, active: bool, common_parts: bool | None = None) -> RepairCategory:
    """`common_parts`: a 公共设施 category, whose repairs are proposed as common parts (None: as it is)."""
    values = {"code": _code(code), "name": _text(name, 50, _("The name"), True), "position": position,
              "active": active}
    if common_parts is not None:
        values["common_parts"] = bool(common_parts)
    return _save_row(actor, project, RepairCategory, "repair_category", category, values, unique=("code",))


def save_price_item(actor: Actor, project: Project, item: PriceItem | None, code: str, name: str, unit: str,
                    price_fen: int, active: bool) -> PriceItem:
    if not 0 <= price_fen <= 100_000_000:
        raise InvalidInput(_("A price is between ¥0.00 and ¥1,000,000.00."))
    return _save_row(actor, project, PriceItem, "price_item", item,
                     {"code": _code(code), "name": _text(name, 60, _("The name"), True),
                      "unit": _text(unit, 10, _("The unit"), True), "price_fen": price_fen, "kind": "material",
                      "active": active}, unique=("code",))


def set_labour_rate(actor: Actor, project: Project, price_fen: int) -> PriceItem:
    """The labour rate per hour is the project's one price item of kind labour."""
    if not 0 <= price_fen <= 10_000_000:
        raise InvalidInput(_("A labour rate is between ¥0.00 and ¥100,000.00 per hour."))
    item = db.session.scalar(select(PriceItem).where(PriceItem.project_id == project.id, PriceItem.kind == "labour"))
    values = {"code": item.code if item else "labour_hour", "name": item.name if item else "人工费",
              "unit": item.unit if item else "小时", "price_fen": price_fen, "kind": "labour", "active": True}
    return _save_row(actor, project, PriceItem, "price_item", item, values, unique=("code",))


def save_window(actor: Actor, project: Project, window: AppointmentWindow | None, starts: str, ends: str,
                position: int, active: bool) -> AppointmentWindow:
    for t in (starts, ends):
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", t or ""):
            raise InvalidInput(_("A time is written HH:MM, e.g. 08:00."))
    if ends <= starts:
        raise InvalidInput(_("A window ends after it starts."))
    return _save_row(actor, project, AppointmentWindow, "appointment_window", window,
                     {"starts": starts, "ends": ends, "position": position, "active": active},
                     unique=("starts", "ends"))


def _code(code: str) -> str:
    code = _text(code, 32, _("The code"), True)
    if not re.fullmatch(r"[A-Za-z0-9_-]+", code):
        raise InvalidInput(_("A code is letters, digits, - or _."))
    return code


def _save_row(actor: Actor, project: Project, model, subject_type: str, obj, values: dict, unique: tuple):
    with transaction():
        clash = db.session.scalar(select(model).where(model.project_id == project.id,
                                                      *[getattr(model, k) == values[k] for k in unique]))
        if clash is not None and (obj is None or clash.id != obj.id):
            raise InvalidInput(_("This already exists in the project."))
        if obj is None:
            obj = model(project_id=project.id, **values)
            db.session.add(obj)
            db.session.flush()
            record(actor, f"{subject_type}_add", subject_type, obj.id, project.id, **values)
            return obj
        obj = db.session.get(model, obj.id)
        _apply(actor, obj, subject_type, project.id, values)
        return obj
