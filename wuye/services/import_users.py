"""The users file: one row per employee of one project; natural key the username.

A new user needs an initial password (at least 8 characters) and must choose their own at the first
sign-in; for an existing user the password column is ignored, so a file exported and imported again
changes nothing. 直接上级 is a username, in the database or further up or down the same file.
"""
from __future__ import annotations

import hashlib
import re

from flask_babel import gettext as _
from sqlalchemy import select

from ..database import transaction
from ..extensions import db
from ..models import Department, LoginSession, Project, User
from ..phone import normalize_phone
from . import Actor
from .audit import record
from .imports import Column, ImportRefused, Plan, RowResult, choice, parse_yes_no, records

ROLE_WORDS = {
    "clerk": ("客服前台", "客服", "前台", "Front desk"),
    "technician": ("维修人员", "维修工", "维修师傅", "Technician"),
    "housing_officer": ("房管员", "Housing officer"),
    "dept_head": ("部门负责人", "部门经理", "Department head"),
    "cs_supervisor": ("客服部主管", "客服主管", "Customer service supervisor"),
    "project_manager": ("项目经理", "Project manager"),
    "staff": ("项目部员工", "员工", "Employee"),
}
ROLE_NAMES = {code: words[0] for code, words in ROLE_WORDS.items()}

USERNAME = Column("username", "用户名", "Username", required=True)
NAME = Column("name", "姓名", "Name", required=True)
ROLE = Column("role", "角色", "Role", required=True)
DEPARTMENT = Column("department", "部门", "Department")
SUPERIOR = Column("superior", "直接上级", "Direct superior")
PHONE = Column("phone", "电话", "Phone")
ACTIVE = Column("active", "启用", "Active")
PASSWORD = Column("password", "初始密码", "Initial password")
COLUMNS = [USERNAME, NAME, ROLE, DEPARTMENT, SUPERIOR, PHONE, ACTIVE, PASSWORD]
FIELDS = ("name", "role", "department_id", "superior", "phone", "active")


def _check(n: int, rec: dict[str, str], departments: dict[str, Department]) -> RowResult:
    username = rec.get("username", "")
    r = RowResult(row=n, key=username or f"#{n}")
    if not re.fullmatch(r"[A-Za-z0-9_.-]{2,50}", username):
        r.refuse(USERNAME, _("A username is 2–50 letters, digits, dot, - or _."))
    name = rec.get("name", "")
    if not name or len(name) > 50:
        r.refuse(NAME, _("A name is required, at most 50 characters."))
    role = choice(rec.get("role", ""), ROLE_WORDS)
    if role is None:
        r.refuse(ROLE, _("“%(value)s” is not a role of a project's employee.", value=rec.get("role", "")))
    department = None
    if rec.get("department"):
        department = departments.get(rec["department"])
        if department is None:
            r.refuse(DEPARTMENT, _("No department “%(name)s” in this project.", name=rec["department"]))
    phone = ""
    if rec.get("phone"):
        phone = normalize_phone(rec["phone"]) or ""
        if not phone:
            r.refuse(PHONE, _("“%(value)s” is not a Chinese mobile or landline number.", value=rec["phone"]))
    active = parse_yes_no(rec.get("active", ""))
    if active is None:
        r.refuse(ACTIVE, _("Write 是 or 否."))
    r.values = {"username": username, "name": name, "role": role, "department_id": department.id if department else None,
                "superior": rec.get("superior", ""), "phone": phone, "active": bool(active),
                "password": rec.get("password", "")}
    return r


def _current(user: User) -> dict:
    return {"name": user.name, "role": user.role, "department_id": user.department_id,
            "superior": user.superior.username if user.superior else "", "phone": user.phone, "active": user.active}


def plan(project: Project, data: bytes, filename: str = "") -> Plan:
    departments = {}
    for d in db.session.scalars(select(Department).where(Department.project_id == project.id)):
        departments[d.code] = departments[d.name] = d
    rows = records(data, filename, COLUMNS)
    names = [rec.get("username", "") for _n, rec in rows]
    existing = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(names)))}
    out = Plan(kind="users")
    seen: dict[str, int] = {}
    for n, rec in rows:
        r = _check(n, rec, departments)
        out.rows.append(r)
        if r.values["username"] in seen:
            r.refuse(USERNAME, _("The same user as row %(row)d: each user once per file.",
                                 row=seen[r.values["username"]]))
        seen.setdefault(r.values["username"], n)
        user = existing.get(r.values["username"])
        if user is not None and user.project_id != project.id:
            r.refuse(USERNAME, _("User %(name)s belongs to another project.", name=user.username))
        if user is None and len(r.values["password"]) < 8:
            r.refuse(PASSWORD, _("A new user needs an initial password of at least 8 characters."))
        if r.action == "refuse":
            continue
        if user is None:
            r.action = "add"
            continue
        old = _current(user)
        r.changes = {k: (old[k], r.values[k]) for k in FIELDS if old[k] != r.values[k]}
        r.action = "change" if r.changes else "same"
        r.values["id"] = user.id
    in_file = {r.values.get("username") for r in out.rows}
    for r in out.rows:
        sup = r.values.get("superior")
        if not sup:
            continue
        if sup == r.values.get("username"):
            r.refuse(SUPERIOR, _("Nobody is their own direct superior."))
        elif sup not in in_file and not db.session.scalar(
                select(User.id).where(User.username == sup, User.project_id == project.id)):
            r.refuse(SUPERIOR, _("No user “%(name)s” in this project or in this file.", name=sup))
    return out


def apply(actor: Actor, project: Project, data: bytes, filename: str = "") -> Plan:
    with transaction():
        project = db.session.get(Project, project.id)
        result = plan(project, data, filename)
        if not result.valid:
            raise ImportRefused(result)
        users: dict[str, User] = {}
        for r in result.rows:
            v = r.values
            if r.action == "add":
                user = User(username=v["username"], name=v["name"], role=v["role"], project_id=project.id,
                            department_id=v["department_id"], phone=v["phone"], active=v["active"],
                            must_change_password=True)
                user.set_password(v["password"])
                db.session.add(user)
            else:
                user = db.session.get(User, v["id"])
                for k, (_old, new) in r.changes.items():
                    if k != "superior":
                        setattr(user, k, new)
                if r.changes.get("active") == (True, False):  # disabled by the file: their logins end now
                    db.session.execute(LoginSession.__table__.delete().where(LoginSession.user_id == user.id))
            users[v["username"]] = user
        db.session.flush()
        for r in result.rows:
            user, sup = users[r.values["username"]], r.values["superior"]
            if sup:
                superior = users.get(sup) or db.session.scalar(
                    select(User).where(User.username == sup, User.project_id == project.id))
                user.superior_id = superior.id
            elif "superior" in r.changes:
                user.superior_id = None
            if r.action == "add":
                record(actor, "user_add", "user", user.id, project.id, username=user.username, role=user.role,
                       name=user.name, department_id=user.department_id, superior=sup, phone=user.phone,
                       active=user.active, source="import", row=r.row)
            elif r.action == "change":
                record(actor, "user_change", "user", user.id, project.id,
                       **{k: [old, new] for k, (old, new) in r.changes.items()}, source="import", row=r.row)
        if result.count("add") or result.count("change"):  # the same file again changes nothing, not even here
            record(actor, "import_users", "project", project.id, project.id, file=filename[:200],
                   sha256=hashlib.sha256(data).hexdigest(), added=result.count("add"),
                   changed=result.count("change"), unchanged=result.count("same"))
    return result


def rows_for_export(project: Project) -> list[list]:
    users = db.session.scalars(select(User).where(User.project_id == project.id).order_by(User.username)).all()
    out = [[c.header for c in COLUMNS]]
    for u in users:
        out.append([u.username, u.name, ROLE_NAMES.get(u.role, u.role), u.department.code if u.department else "",
                    u.superior.username if u.superior else "", u.phone, "是" if u.active else "否", ""])
    return out
