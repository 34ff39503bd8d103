"""Imports of units with contacts and of users (issue 11): all rows or none, idempotent, in any encoding.

Reasons are checked in Chinese, the language a company's administrator reads by default."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from wuye.extensions import db
from wuye.models import AuditEvent, Unit, UnitContact, User
from wuye.services import Actor
from wuye.services import imports, import_units, import_users
from wuye.services.exports import export

ADMIN = Actor(None, "cli")
HEADER = "楼栋,单元,楼层,房号,面积(㎡),状态,联系人1类型,联系人1姓名,联系人1电话,联系人1接收消息,联系人2类型,联系人2姓名,联系人2电话,联系人2接收消息"
ROWS = [
    "3栋,2,15,1501,89.5,自住,业主,王伟,13800001111,是,家属,李娜,13900002222/0755-12345678,否",
    "3栋,2,16,1601,120,出租,业主,张强,13800003333,是,租户,赵敏,13700004444,是",
    "3栋,1,3,301,,空置,业主,刘洋,0755-88889999,是,,,,",
]


def csv_bytes(rows=ROWS, encoding="utf-8", header=HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


def xlsx_bytes(rows=ROWS, header=HEADER) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header.split(","))
    for row in rows:
        cells = row.split(",")
        # as Excel stores them: numbers as numbers
        sheet.append([int(c) if c.isdigit() and not c.startswith("0") else (float(c) if c.replace(".", "", 1).isdigit() else c)
                      for c in cells])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def summary(plan):
    return [(r.row, r.key, r.action, sorted(r.values.items(), key=str), r.errors) for r in plan.rows]


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_gbk_utf8_utf8_bom_csv_and_xlsx_give_the_same_preview(org):
    plans = [import_units.plan(org.p1, data) for data in (
        csv_bytes(encoding="gbk"), csv_bytes(encoding="gb18030"), csv_bytes(), b"\xef\xbb\xbf" + csv_bytes(),
        xlsx_bytes())]
    assert all(p.valid for p in plans), [p.messages() for p in plans]
    assert [r.action for r in plans[0].rows] == ["add", "add", "add"]
    assert plans[0].rows[0].key == "3栋2单元1501"
    assert plans[0].rows[0].values["area_centi"] == 8950
    assert plans[0].rows[0].values["contacts"][1] == {"kind": "family", "name": "李娜", "phone": "13900002222",
                                                      "phone2": "0755-12345678", "may_receive_messages": False}
    first = summary(plans[0])
    for other in plans[1:]:
        assert summary(other) == first


def test_an_import_writes_units_with_their_contacts_and_the_same_file_again_changes_nothing(org):
    data = csv_bytes(encoding="gbk")
    import_units.apply(ADMIN, org.p1, data, "units.csv")
    unit = db.session.scalar(select(Unit).where(Unit.label == "3栋2单元1601"))
    assert (unit.floor, unit.area_centi, unit.status, unit.unit_no) == (16, 12000, "rented", "2")
    assert [(c.kind, c.name) for c in unit.contacts] == [("owner", "张强"), ("tenant", "赵敏")]
    assert unit.owner_name == "张强"
    units, contacts, events = count(Unit), count(UnitContact), count(AuditEvent)
    again = import_units.apply(ADMIN, org.p1, data, "units.csv")
    assert [r.action for r in again.rows] == ["same", "same", "same"]
    assert (count(Unit), count(UnitContact), count(AuditEvent)) == (units, contacts, events)


def test_a_changed_row_updates_the_unit_in_place_with_old_and_new_values_in_its_history(org):
    import_units.apply(ADMIN, org.p1, csv_bytes(), "units.csv")
    unit_id = db.session.scalar(select(Unit.id).where(Unit.label == "3栋2单元1501"))
    changed = [ROWS[0].replace("89.5,自住", "90,出租").replace("王伟", "王小伟"), *ROWS[1:]]
    plan = import_units.apply(ADMIN, org.p1, csv_bytes(changed), "units.csv")
    assert [r.action for r in plan.rows] == ["change", "same", "same"]
    unit = db.session.get(Unit, unit_id)
    assert (unit.area_centi, unit.status, unit.owner_name) == (9000, "rented", "王小伟")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "unit",
                                                        AuditEvent.subject_id == unit_id,
                                                        AuditEvent.action == "unit_change")).one()
    assert event.changes["area_centi"] == [8950, 9000] and event.changes["status"] == ["occupied", "rented"]


def test_an_existing_unit_in_the_file_is_matched_by_building_entrance_and_room(org):
    plan = import_units.plan(org.p1, csv_bytes(["3栋,2,12,1201,95,自住,业主,业主1201,13800001201,是,,,,"]))
    assert plan.rows[0].action == "change" and plan.rows[0].changes == {"area_centi": (None, 9500)}
    assert plan.rows[0].values["id"] == org.units[0].id


@pytest.mark.parametrize("row, column, reason", [
    ("3栋,2,15,1501,89.5,自住,业主,王伟,1380000111,是,,,,", "联系人1电话", "不是有效的手机或固话号码"),
    ("9栋,1,1,101,,自住,业主,王伟,13800001111,是,,,,", "楼栋", "本项目没有楼栋“9栋”"),
    ("3栋,2,15,1501,NaN,自住,业主,王伟,13800001111,是,,,,", "面积(㎡)", "面积为大于 0"),
    ("3栋,2,15,1501,1e9,自住,业主,王伟,13800001111,是,,,,", "面积(㎡)", "面积为大于 0"),
    ("3栋,2,15,1501,-3,自住,业主,王伟,13800001111,是,,,,", "面积(㎡)", "面积为大于 0"),
    ("3栋,2,15,1501,89.555,自住,业主,王伟,13800001111,是,,,,", "面积(㎡)", "面积为大于 0"),
    ("3栋,2,十五,1501,89,自住,业主,王伟,13800001111,是,,,,", "楼层", "楼层为 -10 至 300 之间的整数"),
    ("3栋,2,15,1501,89,卖了,业主,王伟,13800001111,是,,,,", "状态", "不是有效状态"),
    ("3栋,2,15,1501,89,自住,房东,王伟,13800001111,是,,,,", "联系人1类型", "不是联系人类型"),
    ("3栋,2,15,,89,自住,业主,王伟,13800001111,是,,,,", "房号", "请填写房号"),
    ("3栋,2,15,1501,89,自住,业主,王伟,13800001111,也许,,,,", "联系人1接收消息", "请填写 是 或 否"),
])
def test_one_bad_row_refuses_the_whole_file_with_its_row_column_and_reason_and_writes_nothing(org, row, column, reason):
    units, contacts, events = count(Unit), count(UnitContact), count(AuditEvent)
    data = csv_bytes([ROWS[1], row, ROWS[2]], encoding="gbk")
    plan = import_units.plan(org.p1, data)
    assert not plan.valid
    assert [r.action for r in plan.rows] == ["add", "refuse", "add"]
    assert plan.rows[1].row == 3
    assert any(col == column and reason in text for col, text in plan.rows[1].errors), plan.rows[1].errors
    with pytest.raises(imports.ImportRefused) as refused:
        import_units.apply(ADMIN, org.p1, data, "units.csv")
    assert any(line.startswith("第 3 行，") for line in refused.value.plan.messages())
    assert (count(Unit), count(UnitContact), count(AuditEvent)) == (units, contacts, events)


def test_duplicate_rows_inside_one_file_are_refused(org):
    plan = import_units.plan(org.p1, csv_bytes([ROWS[0], ROWS[1], ROWS[0].replace("王伟", "王五")]))
    assert [r.action for r in plan.rows] == ["add", "add", "refuse"]
    assert "与第 2 行是同一房号" in plan.rows[2].errors[0][1]


@pytest.mark.parametrize("data, reason", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧版 Excel 文件"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "这不是表格文件"),
    (b"PK\x03\x04 not really a zip", "无法作为 Excel 工作簿"),
    (b"", "文件为空"),
    ("姓名,电话\r\n王伟,13800001111\r\n".encode(), "文件缺少列：楼栋、房号"),
    (HEADER.encode() + b"\r\n", "没有数据行"),
    (b"\xff\xfe\xfa\xfb\x81\x30", "既不是 UTF-8 也不是 GBK"),
])
def test_a_file_in_the_wrong_format_is_refused_with_a_reason(org, data, reason):
    plan = imports.plan_for("units", org.p1, data, "x")
    assert not plan.valid and not plan.rows
    assert reason in plan.file_errors[0]
    with pytest.raises(imports.ImportRefused):
        imports.apply_for("units", ADMIN, org.p1, data, "x")


def test_an_exported_file_imports_back_unchanged(org):
    import_units.apply(ADMIN, org.p1, xlsx_bytes(), "units.xlsx")
    exported = export("units", org.p1)
    plan = import_units.plan(org.p1, exported)
    assert plan.valid, plan.messages()
    assert {r.action for r in plan.rows} == {"same"} and len(plan.rows) == count(Unit) - 1  # P2's unit stays out


USERS = "用户名,姓名,角色,部门,直接上级,电话,启用,初始密码"


def test_users_are_imported_with_their_superior_from_the_same_file_and_must_change_their_password(org):
    from wuye.services import orgs
    from wuye.database import transaction

    with transaction():
        orgs.add_department(db.session.merge(org.p1), "eng", "工程部")
    data = "\r\n".join([USERS, "wang.tech,王师傅,维修人员,工程部,zhou.head,13800005555,是,first-pass-1",
                        "zhou.head,周伟,部门负责人,eng,,13800006666,是,first-pass-2"]).encode("gbk")
    plan = import_users.apply(ADMIN, org.p1, data, "users.csv")
    assert [r.action for r in plan.rows] == ["add", "add"]
    tech = db.session.scalar(select(User).where(User.username == "wang.tech"))
    assert tech.superior.username == "zhou.head" and tech.department.code == "eng" and tech.role == "technician"
    assert tech.must_change_password and tech.check_password("first-pass-1")
    again = import_users.plan(org.p1, export("users", org.p1))
    assert again.valid and {r.action for r in again.rows} == {"same"}, again.messages()


@pytest.mark.parametrize("row, column", [
    ("new.one,新人,老板,,,,是,long-enough-1", "角色"),
    ("new.one,新人,维修人员,,,,是,short", "初始密码"),
    ("new.one,新人,维修人员,,nobody,,是,long-enough-1", "直接上级"),
    ("p2_clerk,别人,客服前台,,,,是,long-enough-1", "用户名"),
    ("new one,新人,维修人员,,,,是,long-enough-1", "用户名"),
])
def test_a_bad_user_row_is_refused_with_its_column(org, row, column):
    plan = import_users.plan(org.p1, "\r\n".join([USERS, row]).encode())
    assert plan.rows[0].action == "refuse" and plan.rows[0].errors[0][0] == column


def test_the_command_line_import_exits_non_zero_with_the_row_errors_on_stderr(app, org, tmp_path):
    bad = tmp_path / "units.csv"
    bad.write_bytes(csv_bytes([ROWS[0], ROWS[1].replace("13800003333", "12345")], encoding="gbk"))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import", "units", str(bad), "--project", "P1"])
    assert result.exit_code != 0
    assert "第 3 行，联系人1电话 列" in result.stderr
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes())
    dry = runner.invoke(args=["import", "units", str(good), "--project", "P1", "--dry-run"])
    assert dry.exit_code == 0 and "would add 3" in dry.output
    assert not db.session.scalar(select(Unit).where(Unit.label == "3栋2单元1501"))
    done = runner.invoke(args=["import", "units", str(good), "--project", "P1"])
    assert done.exit_code == 0 and "added 3" in done.output


def test_user_add_on_the_command_line_sets_department_superior_and_phone(app, org):
    from wuye.database import transaction
    from wuye.services import orgs
    with transaction():
        orgs.add_department(db.session.merge(org.p1), "eng", "工程部")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "add", "li.tech", "--role", "technician", "--project", "P1",
                                 "--password", "long-enough-1", "--department", "eng", "--superior", "dept_head",
                                 "--phone", "138 0000 7777"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "li.tech"))
    assert (user.department.code, user.superior.username, user.phone) == ("eng", "dept_head", "13800007777")
    refused = runner.invoke(args=["user", "add", "li.two", "--role", "technician", "--project", "P1",
                                  "--password", "long-enough-1", "--superior", "p2_clerk"])
    assert refused.exit_code != 0 and "no user p2_clerk in project P1" in refused.output


def test_a_user_disabled_by_the_file_loses_their_logins(org):
    from wuye.models import LoginSession
    from wuye.services.auth import sign_in
    assert sign_in("clerk", "correct-horse-9", "127.0.0.1") is not None
    clerk = org.users["clerk"]
    data = "\r\n".join([USERS, "clerk,clerk-name,客服前台,,,,否,"]).encode()
    plan = import_users.apply(ADMIN, org.p1, data, "users.csv")
    assert [r.action for r in plan.rows] == ["change"] and plan.rows[0].changes == {"active": (True, False)}
    assert not db.session.get(User, clerk.id).active
    assert not db.session.scalar(select(func.count()).select_from(LoginSession).where(LoginSession.user_id == clerk.id))
