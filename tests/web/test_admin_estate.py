"""The administration's remaining parts of issues 11 and 12: a unit's 4th and further contacts on its page,
the units template explaining 公共部位 and more contacts, and the project's own 公共设施 categories."""
from __future__ import annotations

import io
import re

from sqlalchemy import select

from wuye.extensions import db
from wuye.models import AuditEvent, RepairCategory, Unit


def _errors(r) -> list[str]:
    return re.findall(r'class="(?:error|alert alert-error)"[^>]*>([^<]+)', r.get_data(as_text=True))


def _unit_data(unit, people: list[tuple[str, str, str]]) -> dict:
    data = {"building": unit.building_id, "unit_no": "2", "floor": "12", "room": "1201", "status": "occupied"}
    for i, (kind, name, phone) in enumerate(people, start=1):
        data.update({f"c{i}_kind": kind, f"c{i}_name": name, f"c{i}_phone": phone, f"c{i}_messages": "y"})
    return data


def test_a_units_fourth_and_fifth_contacts_are_edited_on_its_page(org, as_role):
    admin = as_role("admin")
    unit = org.units[0]
    page = admin.get(f"/admin/units/{unit.id}").get_data(as_text=True)
    assert 'name="c3_name"' in page and 'name="c4_name"' not in page  # one contact: three places
    people = [("owner", "业主1201", "13800001201"), ("tenant", "租客小李", "13911112222"),
              ("family", "李奶奶", "13911113333")]
    assert admin.post(f"/admin/units/{unit.id}", _unit_data(unit, people)).status_code == 303
    page = admin.get(f"/admin/units/{unit.id}").get_data(as_text=True)
    assert 'name="c4_name"' in page and 'name="c5_name"' not in page  # three contacts and one place more
    people.append(("family", "李小宝", "13911114444"))
    r = admin.post(f"/admin/units/{unit.id}", _unit_data(unit, people))
    assert r.status_code == 303, _errors(r)
    db.session.rollback()
    assert [c.name for c in db.session.get(Unit, unit.id).contacts] == ["业主1201", "租客小李", "李奶奶", "李小宝"]
    page = admin.get(f"/admin/units/{unit.id}").get_data(as_text=True)
    assert 'value="李小宝"' in page and 'name="c5_name"' in page
    people.append(("tenant", "王五", "1391111"))  # a bad phone on the 5th: refused, nothing written
    r = admin.post(f"/admin/units/{unit.id}", _unit_data(unit, people))
    assert r.status_code == 422 and 'name="c5_phone"' in r.get_data(as_text=True)
    db.session.rollback()
    assert len(db.session.get(Unit, unit.id).contacts) == 4


def test_the_units_template_explains_common_parts_and_more_contacts(org, as_role):
    from openpyxl import load_workbook
    admin = as_role("admin")
    book = load_workbook(io.BytesIO(admin.get("/admin/import/units/template.xlsx").data))
    assert "公共部位" in [c.value for c in next(book.worksheets[0].iter_rows())]
    notes = {row[0]: row[1] for row in book["说明"].iter_rows(values_only=True)}
    assert "楼梯间" in notes["公共部位"] and "联系人4类型" in notes["更多联系人"]
    page = admin.get(f"/admin/projects/{org.p1.id}/import/units").get_data(as_text=True)
    assert "公共部位" in page and "联系人4类型" in page


def _category(org, code: str) -> RepairCategory:
    db.session.rollback()
    return db.session.scalar(select(RepairCategory).where(RepairCategory.project_id == org.p1.id,
                                                          RepairCategory.code == code))


def test_the_admin_chooses_the_projects_common_facility_categories_and_intake_proposes_by_them(org, clock, as_role):
    admin = as_role("admin")
    page = admin.get(f"/admin/projects/{org.p1.id}/categories").get_data(as_text=True)
    assert "公共设施（不收费）" in page
    facility = _category(org, "common_facility")
    assert facility.common_parts  # a new project's default
    admin.post(f"/admin/projects/{org.p1.id}/categories",
               {"new-code": "lift", "new-name": "电梯", "new-position": "20", "new-active": "y",
                "new-common_parts": "y"})
    assert _category(org, "lift").common_parts
    clerk = as_role("clerk")
    proposal = clerk.get(f"/desk/repairs/charge-proposal?unit_id={org.units[0].id}&category=lift").get_data(as_text=True)
    assert re.search(r'value="common"\s+checked', proposal) and "类别为电梯" in proposal
    r = admin.post(f"/admin/categories/{facility.id}", {f"c{facility.id}-code": "common_facility",
                                                         f"c{facility.id}-name": facility.name,
                                                         f"c{facility.id}-position": "9",
                                                         f"c{facility.id}-active": "y"})  # box unticked
    assert r.status_code == 303 and not _category(org, "common_facility").common_parts
    proposal = clerk.get(f"/desk/repairs/charge-proposal?unit_id={org.units[0].id}&category=common_facility")\
        .get_data(as_text=True)
    assert not re.search(r'value="common"\s+checked', proposal)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "repair_category_change").order_by(AuditEvent.id)).all()[-1]
    assert event.changes["common_parts"] == [True, False]
