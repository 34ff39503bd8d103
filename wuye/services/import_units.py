"""The units file: one row per 房号 with its contacts (three in the template, up to MAX_CONTACTS: a file
may add 联系人4… columns, and the export writes as many as the unit with the most has), and whether it is a
common part (公共部位: a stairwell, lift, roof…); natural key project + building + 单元 + room."""
from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import insert, select

from ..database import transaction
from ..extensions import db
from ..models import Building, Project, Unit, UnitContact
from ..phone import normalize_phone
from . import Actor
from .audit import record, record_many
from .imports import Column, ImportRefused, Plan, RowResult, choice, parse_yes_no, records
from .orgs import CONTACT_FIELDS, set_contacts, unit_keys, unit_label

CONTACTS = 3  # in the template
MAX_CONTACTS = 20  # that a file may carry (and the admin's unit page edits)
STATUS_WORDS = {"occupied": ("自住", "已入住", "入住", "occupied"), "vacant": ("空置", "vacant"),
                "rented": ("出租", "已出租", "rented")}
KIND_WORDS = {"owner": ("业主", "owner"), "tenant": ("租户", "tenant"), "family": ("家属", "家庭成员", "family")}
STATUS_NAMES = {"occupied": "自住", "vacant": "空置", "rented": "出租"}
KIND_NAMES = {"owner": "业主", "tenant": "租户", "family": "家属"}

BUILDING = Column("building", "楼栋", "Building", required=True)
UNIT_NO = Column("unit_no", "单元", "Entrance")
FLOOR = Column("floor", "楼层", "Floor")
ROOM = Column("room", "房号", "Room", required=True)
AREA = Column("area", "面积(㎡)", "Area (m²)")
STATUS = Column("status", "状态", "Status")
# 公共部位 (A3): a stairwell, a lift, a roof — repairs there are proposed free of charge. A file without the
# column leaves each unit as it is; an empty cell is 否.
COMMON = Column("common_area", "公共部位", "Common part")


def contact_columns(i: int) -> tuple[Column, Column, Column, Column]:
    return (Column(f"c{i}_kind", f"联系人{i}类型", f"Contact {i} kind"),
            Column(f"c{i}_name", f"联系人{i}姓名", f"Contact {i} name"),
            Column(f"c{i}_phone", f"联系人{i}电话", f"Contact {i} phone"),
            Column(f"c{i}_messages", f"联系人{i}接收消息", f"Contact {i} receives messages"))


BASE = [BUILDING, UNIT_NO, FLOOR, ROOM, AREA, STATUS, COMMON]


def columns(contacts: int) -> list[Column]:
    """The file's columns with this many contacts."""
    return BASE + [c for i in range(1, contacts + 1) for c in contact_columns(i)]


COLUMNS = columns(CONTACTS)  # the template's
READ_COLUMNS = columns(MAX_CONTACTS)  # what a file may have
MAX_AREA_CENTI = 100_000 * 100  # 100,000 m²: larger is a typing error


def parse_area(text: str) -> int | None:
    """m² as hundredths; None when empty. Raises ValueError for anything else than a sane decimal."""
    t = text.strip().replace("㎡", "").replace("m²", "").replace("平方米", "").replace(",", "").strip()
    if not t:
        return None
    try:
        value = Decimal(t)
    except InvalidOperation:
        raise ValueError(t) from None
    if not value.is_finite() or value <= 0 or value * 100 != (value * 100).to_integral_value():
        raise ValueError(t)
    centi = int(value * 100)
    if centi > MAX_AREA_CENTI:
        raise ValueError(t)
    return centi


def show_area(centi: int | None) -> str:
    if centi is None:
        return ""
    return f"{centi // 100}.{centi % 100:02d}".rstrip("0").rstrip(".")


def split_phones(text: str) -> list[str]:
    for sep in "、，,;；/ ":
        text = text.replace(sep, "/")
    return [p for p in text.split("/") if p]


def _contacts(r: RowResult, rec: dict[str, str]) -> list[dict]:
    out = []
    for i in range(1, MAX_CONTACTS + 1):
        kind_col, name_col, phone_col, msg_col = contact_columns(i)
        kind_t, name, phone_t, msg_t = (rec.get(c.key, "") for c in (kind_col, name_col, phone_col, msg_col))
        if not (kind_t or name or phone_t):
            continue
        kind = choice(kind_t, KIND_WORDS) if kind_t else "owner"
        if kind is None:
            r.refuse(kind_col, _("“%(value)s” is not a contact kind: write 业主, 租户 or 家属.", value=kind_t))
        if len(name) > 50:
            r.refuse(name_col, _("A name has at most 50 characters."))
        phones = []
        for raw in split_phones(phone_t):
            phone = normalize_phone(raw)
            if phone is None:
                r.refuse(phone_col, _("“%(value)s” is not a Chinese mobile or landline number.", value=raw))
            else:
                phones.append(phone)
        if len(phones) > 2:
            r.refuse(phone_col, _("At most two phone numbers per contact."))
        if not name and not phones:
            r.refuse(name_col, _("A contact needs a name or a phone number."))
        messages = parse_yes_no(msg_t)
        if messages is None:
            r.refuse(msg_col, _("Write 是 or 否."))
        out.append({"kind": kind, "name": name, "phone": phones[0] if phones else "",
                    "phone2": phones[1] if len(phones) > 1 else "", "may_receive_messages": bool(messages)})
    return out


def _check(n: int, rec: dict[str, str], buildings: dict[str, Building]) -> RowResult:
    name, unit_no, room = rec.get("building", ""), rec.get("unit_no", ""), rec.get("room", "")
    unit_no = unit_no.removesuffix("单元")
    r = RowResult(row=n, key=unit_label(name, unit_no, room) if name and room else f"#{n}")
    building = buildings.get(name)
    if not name:
        r.refuse(BUILDING, _("A building is required."))
    elif building is None:
        r.refuse(BUILDING, _("No building “%(name)s” in this project: add it on the buildings page first.",
                             name=name))
    if not room:
        r.refuse(ROOM, _("A room number is required."))
    elif len(room) > 20 or " " in room:
        r.refuse(ROOM, _("A room number has at most 20 characters and no spaces."))
    if len(unit_no) > 10:
        r.refuse(UNIT_NO, _("An entrance (单元) has at most 10 characters."))
    floor = None
    if rec.get("floor"):
        try:
            floor = int(rec["floor"])
            if not -10 <= floor <= 300:
                raise ValueError
        except ValueError:
            r.refuse(FLOOR, _("A floor is a whole number between -10 and 300."))
    try:
        area = parse_area(rec.get("area", ""))
    except ValueError:
        area = None
        r.refuse(AREA, _("An area is a number of m² above 0 and below 100,000, with at most two decimals."))
    status = choice(rec["status"], STATUS_WORDS) if rec.get("status") else "occupied"
    if status is None:
        r.refuse(STATUS, _("“%(value)s” is not a status: write 自住, 空置 or 出租.", value=rec["status"]))
    contacts = _contacts(r, rec)
    r.values = {"building_id": building.id if building else None, "unit_no": unit_no, "floor": floor,
                "room": room, "area_centi": area, "status": status, "contacts": contacts}
    if COMMON.key in rec:
        common = parse_yes_no(rec[COMMON.key], default=False)
        if common is None:
            r.refuse(COMMON, _("Write 是 for a common part (stairwell, lift, roof…), else 否 or nothing."))
        r.values["common_area"] = bool(common)
    return r


def _existing(project: Project) -> dict[str, dict]:
    """label → the unit's fields and contacts, read as plain rows (tens of thousands of ORM objects
    would cost seconds and hundreds of MB)."""
    contacts: dict[int, list[dict]] = {}
    for row in db.session.execute(select(UnitContact.unit_id, *[getattr(UnitContact, f) for f in CONTACT_FIELDS])
                                  .where(UnitContact.project_id == project.id)
                                  .order_by(UnitContact.unit_id, UnitContact.position)):
        contacts.setdefault(row[0], []).append(dict(zip(CONTACT_FIELDS, row[1:])))
    out = {}
    for row in db.session.execute(select(Unit.id, Unit.label, *[getattr(Unit, f) for f in UNIT_FIELDS])
                                  .where(Unit.project_id == project.id)):
        out[row.label] = {"id": row.id, **{f: getattr(row, f) for f in UNIT_FIELDS},
                          "contacts": contacts.get(row.id, [])}
    return out


UNIT_FIELDS = ("building_id", "unit_no", "floor", "room", "area_centi", "status", "common_area")


def plan(project: Project, data: bytes, filename: str = "") -> Plan:
    buildings = {b.name: b for b in db.session.scalars(select(Building).where(Building.project_id == project.id))}
    existing = _existing(project)
    out = Plan(kind="units")
    seen: dict[str, int] = {}
    for n, rec in records(data, filename, READ_COLUMNS):
        r = _check(n, rec, buildings)
        out.rows.append(r)
        if r.action == "refuse":
            continue
        if r.key in seen:
            r.refuse(ROOM, _("The same unit as row %(row)d: each unit once per file.", row=seen[r.key]))
            continue
        seen[r.key] = n
        unit = existing.get(r.key)
        if unit is None:
            r.action = "add"
            continue
        r.changes = {k: (unit[k], v) for k, v in r.values.items() if unit[k] != v}
        r.action = "change" if r.changes else "same"
        r.values["id"] = unit["id"]
    return out


def apply(actor: Actor, project: Project, data: bytes, filename: str = "") -> Plan:
    """Write a valid file in one transaction; a refused one writes nothing and raises ImportRefused."""
    with transaction():
        project = db.session.get(Project, project.id)
        result = plan(project, data, filename)
        if not result.valid:
            raise ImportRefused(result)
        buildings = {b.id: b for b in project.buildings}
        _insert(actor, project, [r for r in result.rows if r.action == "add"], buildings)
        for r in result.rows:
            v = r.values
            if r.action == "change":
                unit = db.session.get(Unit, v["id"])
                for k, (_old, new) in r.changes.items():
                    if k != "contacts":
                        setattr(unit, k, new)
                if "contacts" in r.changes:
                    set_contacts(unit, v["contacts"])
                record(actor, "unit_change", "unit", unit.id, project.id,
                       **{k: [old, new] for k, (old, new) in r.changes.items()}, source="import", row=r.row)
        db.session.flush()
        if result.count("add") or result.count("change"):  # the same file again changes nothing, not even here
            record(actor, "import_units", "project", project.id, project.id, file=filename[:200],
                   sha256=hashlib.sha256(data).hexdigest(), added=result.count("add"),
                   changed=result.count("change"), unchanged=result.count("same"))
    return result


def _insert(actor: Actor, project: Project, rows: list[RowResult], buildings: dict[int, Building]) -> None:
    """New units, their contacts and their audit events as three bulk inserts."""
    if not rows:
        return
    units = []
    for r in rows:
        v = r.values
        search_key, _room, short_key = unit_keys("", r.key)
        first = v["contacts"][0] if v["contacts"] else {}
        units.append({"project_id": project.id, "building_id": v["building_id"], "label": r.key,
                      "search_key": search_key, "room": v["room"], "short_key": short_key, "unit_no": v["unit_no"],
                      "floor": v["floor"], "area_centi": v["area_centi"], "status": v["status"],
                      "owner_name": first.get("name", ""), "owner_phone": first.get("phone", ""),
                      "common_area": v.get("common_area", False)})
    ids = dict(db.session.execute(insert(Unit).returning(Unit.label, Unit.id), units).all())
    contacts = [{"project_id": project.id, "unit_id": ids[r.key], "position": i, **c}
                for r in rows for i, c in enumerate(r.values["contacts"])]
    if contacts:
        db.session.execute(insert(UnitContact), contacts)
    record_many(actor, project.id, [
        ("unit_add", "unit", ids[r.key], {"label": r.key, "building": buildings[r.values["building_id"]].name,
                                          **{k: r.values[k] for k in ("unit_no", "floor", "area_centi", "status",
                                                                      "contacts") + (("common_area",) if
                                                                      "common_area" in r.values else ())},
                                          "source": "import", "row": r.row})
        for r in rows])


def rows_for_export(project: Project) -> list[list]:
    """The units of a project as the import's own rows (header first)."""
    names = dict(db.session.execute(select(Building.id, Building.name).where(Building.project_id == project.id)).all())
    units = sorted(_existing(project).values(), key=lambda u: (names[u["building_id"]], u["unit_no"], u["room"]))
    cols = columns(max([CONTACTS] + [len(u["contacts"]) for u in units]))  # every contact, the 4th and on too
    out = [[c.header for c in cols]]
    for u in units:
        row = [names[u["building_id"]], u["unit_no"], u["floor"] if u["floor"] is not None else "", u["room"],
               show_area(u["area_centi"]), STATUS_NAMES.get(u["status"], u["status"]), "是" if u["common_area"] else "否"]
        for c in u["contacts"]:
            phones = "/".join(p for p in (c["phone"], c["phone2"]) if p)
            row += [KIND_NAMES.get(c["kind"], c["kind"]), c["name"], phones, "是" if c["may_receive_messages"] else "否"]
        row += [""] * (len(cols) - len(row))
        out.append(row)
    return out


__all__ = ["COLUMNS", "CONTACT_FIELDS", "apply", "plan", "rows_for_export"]
