"""Administration pages (issue 11): imports in two steps, edits with their history, password resets,
and the per-project lists that intake and the technician then offer."""
from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from wuye.extensions import db
from wuye.models import AuditEvent, Unit, User

HEADER = "楼栋,单元,楼层,房号,面积(㎡),状态,联系人1类型,联系人1姓名,联系人1电话,联系人1接收消息"


def units_csv(*rows: str, encoding="gbk") -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding)


def upload(browser, project_id: int, data: bytes, name="units.csv", kind="units"):
    browser.get(f"/admin/projects/{project_id}/import/{kind}")
    return browser.post(f"/admin/projects/{project_id}/import/{kind}", {"file": (io.BytesIO(data), name)})


def count_units():
    return db.session.scalar(select(func.count()).select_from(Unit))


def test_an_import_with_a_bad_row_shows_row_column_and_reason_and_imports_after_the_fix(org, as_role):
    admin = as_role("admin")
    before = count_units()
    bad = units_csv("3栋,2,15,1501,89.5,自住,业主,王伟,13800001111,是",
                    "3栋,2,16,1601,96,出租,业主,张强,1380000,是")
    r = upload(admin, org.p1.id, bad)
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert re.search(r"<td>3</td><td>3栋2单元1601</td>.*?<td>联系人1电话</td><td>“1380000”不是有效的手机或固话号码。</td>", page, re.S)
    assert "确认导入" not in page and count_units() == before
    good = bad.replace("1380000,".encode("gbk"), "13800003333,".encode("gbk"))
    r = upload(admin, org.p1.id, good)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "新增 2 条" in page
    token = re.search(r'name="token" value="([0-9a-f]{32})"', page).group(1)
    assert count_units() == before  # nothing before the confirmation
    r = admin.post(f"/admin/projects/{org.p1.id}/import/units/confirm", {"token": token})
    assert r.status_code == 303 and count_units() == before + 2
    assert admin.post(f"/admin/projects/{org.p1.id}/import/units/confirm", {"token": token}).status_code == 409
    again = upload(admin, org.p1.id, good).get_data(as_text=True)
    assert "新增 0 条" in again and "修改 0 条" in again and "未变 2 条" in again


def test_another_users_upload_cannot_be_confirmed(org, as_role, app):
    page = upload(as_role("admin"), org.p1.id, units_csv("3栋,2,15,1501,89.5,自住,业主,王伟,13800001111,是"))
    token = re.search(r'name="token" value="([0-9a-f]{32})"', page.get_data(as_text=True)).group(1)
    manager = as_role("project_manager")
    manager.get(f"/admin/projects/{org.p1.id}/import/units")
    assert manager.post(f"/admin/projects/{org.p1.id}/import/units/confirm", {"token": token}).status_code == 409


def test_a_file_in_the_wrong_format_is_refused_on_the_page(org, as_role):
    r = upload(as_role("admin"), org.p1.id, b"\x89PNG\r\n\x1a\n\x00\x00", name="photo.png")
    assert r.status_code == 422 and "这不是表格文件" in r.get_data(as_text=True)


def test_the_exported_units_file_uploads_back_unchanged(org, as_role):
    admin = as_role("admin")
    exported = admin.get(f"/admin/projects/{org.p1.id}/export/units.xlsx")
    assert exported.status_code == 200 and exported.data.startswith(b"PK")
    page = upload(admin, org.p1.id, exported.data, name="units.xlsx").get_data(as_text=True)
    assert "新增 0 条" in page and "修改 0 条" in page and "未变 3 条" in page
    template = admin.get("/admin/import/units/template.xlsx")
    from openpyxl import load_workbook
    header = [c.value for c in next(load_workbook(io.BytesIO(template.data)).worksheets[0].iter_rows())]
    assert header[:4] == ["楼栋", "单元", "楼层", "房号"]


def test_a_unit_edit_shows_old_and_new_values_on_the_units_page(org, as_role):
    admin = as_role("admin")
    unit = org.units[0]
    admin.get(f"/admin/units/{unit.id}")
    data = {"building": unit.building_id, "unit_no": "2", "floor": "12", "room": "1201", "area": "88.5",
            "status": "rented", "c1_kind": "owner", "c1_name": "业主1201", "c1_phone": "13800001201",
            "c1_messages": "y", "c2_kind": "tenant", "c2_name": "租客小李", "c2_phone": "13911112222"}
    r = admin.post(f"/admin/units/{unit.id}", data)
    assert r.status_code == 303, re.findall(r'class="(?:error|alert alert-error)"[^>]*>([^<]+)', r.get_data(as_text=True))
    page = admin.get(f"/admin/units/{unit.id}").get_data(as_text=True)
    assert "修改房号" in page and "<del>自住</del> → <ins>出租</ins>" in page and "<ins>88.5</ins>" in page
    assert "租户 租客小李 13911112222" in page
    clerk = as_role("clerk")
    clerk.get("/desk/repairs/new")
    found = clerk.get("/desk/units/search?unit_query=1391111").get_data(as_text=True)
    assert "3栋2单元1201" in found  # the tenant's phone finds the unit at intake


def test_a_bad_phone_on_the_unit_form_is_a_422_with_the_message(org, as_role):
    admin = as_role("admin")
    unit = org.units[0]
    admin.get(f"/admin/units/{unit.id}")
    r = admin.post(f"/admin/units/{unit.id}", {"building": unit.building_id, "room": "1201", "status": "occupied",
                                               "c1_kind": "owner", "c1_name": "x", "c1_phone": "12345"})
    assert r.status_code == 422 and "请输入手机号（以 1 开头的 11 位数字）" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "unit_change")) == 0


def test_after_an_admin_reset_the_user_chooses_a_new_password_at_next_sign_in(org, as_role, anon):
    admin = as_role("admin")
    clerk = org.users["clerk"]
    admin.get(f"/admin/users/{clerk.id}")
    assert admin.post(f"/admin/users/{clerk.id}/password", {"password": "one-time-pass"}).status_code == 303
    assert db.session.get(User, clerk.id).must_change_password
    anon.get("/login")
    r = anon.post("/login", {"username": "clerk", "password": "one-time-pass"})
    assert r.status_code == 303
    r = anon.get("/desk/repairs")
    assert r.status_code in (302, 303) and r.headers["Location"].endswith("/password")
    anon.get("/password")
    assert anon.post("/password", {"password": "my-own-secret", "again": "other"}).status_code == 422
    r = anon.post("/password", {"password": "my-own-secret", "again": "my-own-secret"})
    assert r.status_code == 303
    assert anon.get("/desk/repairs").status_code == 200
    user = db.session.get(User, clerk.id)
    assert not user.must_change_password and user.check_password("my-own-secret")
    page = admin.get(f"/admin/users/{clerk.id}").get_data(as_text=True)
    assert "管理员重置密码" in page and "用户设置了新密码" in page


def test_a_user_gets_department_and_direct_superior_on_the_user_page(org, as_role):
    from wuye.database import transaction
    from wuye.services import orgs
    with transaction():
        dept = orgs.add_department(db.session.merge(org.p1), "eng", "工程部").id
    admin = as_role("admin")
    tech = org.users["technician"]
    admin.get(f"/admin/users/{tech.id}")
    r = admin.post(f"/admin/users/{tech.id}", {"name": "张师傅", "role": "technician", "department": dept,
                                               "superior": org.users["dept_head"].id, "phone": "13800009999",
                                               "active": "y"})
    assert r.status_code == 303, re.findall(r'class="(?:error|alert alert-error)"[^>]*>([^<]+)', r.get_data(as_text=True))
    user = db.session.get(User, tech.id)
    assert (user.department_id, user.superior_id, user.name) == (dept, org.users["dept_head"].id, "张师傅")
    page = admin.get(f"/admin/users/{tech.id}").get_data(as_text=True)
    assert "<del>technician-name</del> → <ins>张师傅</ins>" in page and "<ins>工程部</ins>" in page


def test_a_new_window_and_category_are_offered_at_intake_and_the_labour_rate_in_the_quote(org, as_role):
    from wuye.services.repairs.quote import labour_rate
    manager = as_role("project_manager")
    manager.get(f"/admin/projects/{org.p1.id}/windows")
    assert manager.post(f"/admin/projects/{org.p1.id}/windows",
                        {"new-starts": "20:00", "new-ends": "21:30", "new-position": "9", "new-active": "y"}).status_code == 303
    assert manager.post(f"/admin/projects/{org.p1.id}/windows",
                        {"new-starts": "21:00", "new-ends": "20:00"}).status_code == 422
    manager.get(f"/admin/projects/{org.p1.id}/categories")
    assert manager.post(f"/admin/projects/{org.p1.id}/categories",
                        {"new-code": "lift", "new-name": "电梯", "new-position": "1", "new-active": "y"}).status_code == 303
    manager.get(f"/admin/projects/{org.p1.id}/prices")
    assert manager.post(f"/admin/projects/{org.p1.id}/labour", {"labour-price": "abc"}).status_code == 422
    assert manager.post(f"/admin/projects/{org.p1.id}/labour", {"labour-price": "¥62.50"}).status_code == 303
    assert labour_rate(org.p1.id) == 6250
    intake = as_role("clerk").get("/desk/repairs/new").get_data(as_text=True)
    assert 'value="20:00-21:30"' in intake and "电梯" in intake
    history = manager.get(f"/admin/projects/{org.p1.id}/prices").get_data(as_text=True)
    assert "<del>¥50.00</del> → <ins>¥62.50</ins>" in history


def test_an_admin_creates_a_project_with_todays_defaults(org, as_role):
    admin = as_role("admin")
    admin.get("/admin/projects")
    r = admin.post("/admin/projects/new", {"code": "NEW1", "name": "新项目", "timezone": "Asia/Shanghai",
                                           "address": "深圳"})
    assert r.status_code == 303
    page = admin.get(r.headers["Location"]).get_data(as_text=True)
    assert "新项目" in page and "创建项目部" in page
    assert admin.post("/admin/projects/new", {"code": "NEW1", "name": "again", "timezone": "Asia/Shanghai"}).status_code == 422


def test_the_head_named_on_the_department_page_is_the_direct_superior_of_its_people(org, as_role):
    from wuye.database import transaction
    from wuye.services import orgs
    from wuye.services.complaints.access import superior_of
    with transaction():
        dept = orgs.add_department(db.session.merge(org.p1), "env", "环境部").id
    admin = as_role("admin")
    admin.get(f"/admin/projects/{org.p1.id}/departments")
    staff = org.users["staff"]
    assert admin.post(f"/admin/users/{staff.id}", {"name": "冯小军", "role": "staff", "department": dept,
                                                   "superior": 0, "active": "y"}).status_code == 303
    admin.get(f"/admin/departments/{dept}")
    assert admin.post(f"/admin/departments/{dept}", {"code": "env", "name": "环境部",
                                                     "head": org.users["housing_officer"].id}).status_code == 303
    assert superior_of(db.session.get(User, staff.id)).username == "housing_officer"


def test_a_project_manager_sets_the_projects_deadline_rule_on_the_project_page_and_it_is_audited(org, as_role,
                                                                                                make_order):
    from wuye.services.deadlines import table as deadlines
    manager = as_role("project_manager")
    page = manager.get(f"/admin/projects/{org.p1.id}").get_data(as_text=True)
    assert 'name="p-preparation-minutes"' in page and 'value="15, 30"' in page
    url = f"/admin/projects/{org.p1.id}/deadlines/preparation"
    for minutes, delays in (("-1", ""), ("1e9", ""), ("NaN", ""), ("20", "15"), ("20", "十五, 30")):
        r = manager.post(url, {"p-preparation-minutes": minutes, "p-preparation-escalation": delays})
        assert r.status_code == 422, (minutes, delays)
    assert deadlines.rule_for(org.p1.id, "preparation").length.total_seconds() == 600  # nothing written
    assert manager.post(url, {"p-preparation-minutes": "20", "p-preparation-escalation": "10，40"}).status_code == 303
    rule = deadlines.rule_for(org.p1.id, "preparation")
    assert rule.length.total_seconds() == 20 * 60 and [l.after.total_seconds() for l in rule.chain[1:]] == [600, 2400]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "deadline_policy", AuditEvent.subject_id == org.p1.id)) == 1
    order = make_order(technician=org.users["technician"])
    assert "接单后须在 20 分钟内完成准备工作。" in as_role("technician").get(f"/tech/jobs/{order.number}").get_data(as_text=True)
    other = as_role("p2_clerk")  # another project's people never reach this project's rules
    assert other.post(url, {"p-preparation-minutes": "5"}).status_code in (403, 404)


def test_a_unit_marked_as_common_parts_on_its_page_is_proposed_free_at_intake(org, as_role):
    admin = as_role("admin")
    unit = org.units[0]
    admin.get(f"/admin/units/{unit.id}")
    data = {"building": unit.building_id, "unit_no": unit.unit_no or "", "room": unit.room, "status": "occupied",
            "common_area": "y", "c1_kind": "owner", "c1_name": "物业服务中心", "c1_phone": "13800001201"}
    r = admin.post(f"/admin/units/{unit.id}", data)
    assert r.status_code == 303, re.findall(r'class="(?:error|alert alert-error)"[^>]*>([^<]+)', r.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).common_area is True
    assert "公共部位" in admin.get(f"/admin/units/{unit.id}").get_data(as_text=True)  # the change, in its history
    html = as_role("clerk").get(f"/desk/repairs/charge-proposal?unit_id={unit.id}&category=leak").get_data(as_text=True)
    assert re.search(r'value="common"\s+checked', html)
    data.pop("common_area")
    assert admin.post(f"/admin/units/{unit.id}", data).status_code == 303
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).common_area is False


def test_a_project_id_in_the_query_too_large_for_its_column_is_not_found(org, as_role):
    admin = as_role("admin")
    assert admin.get("/admin/users/new?project=" + "9" * 30).status_code == 404
    proposal = as_role("clerk").get("/desk/repairs/charge-proposal?unit_id=" + "9" * 30 + "&category=leak")
    assert proposal.status_code == 200  # no unit, no proposal: never an overflow in the database
