"""The units file's 公共部位 column and a unit's 4th and further contacts (issue 11, A3): a common part
imported from the file is chosen at intake and proposed free of charge; every contact survives the round
trip export → import."""
from __future__ import annotations

import io

from sqlalchemy import select

from wuye.clock import now
from wuye.extensions import db
from wuye.models import Unit
from wuye.services import Actor, import_units
from wuye.services.exports import export
from wuye.services.repairs import warranty
from wuye.services.repairs.board import find_units

ADMIN = Actor(None, "cli")
HEADER = "楼栋,单元,楼层,房号,面积(㎡),状态,公共部位,联系人1类型,联系人1姓名,联系人1电话,联系人1接收消息"
FOUR = ("联系人2类型,联系人2姓名,联系人2电话,联系人2接收消息,联系人3类型,联系人3姓名,联系人3电话,联系人3接收消息,"
        "联系人4类型,联系人4姓名,联系人4电话,联系人4接收消息,联系人5类型,联系人5姓名,联系人5电话,联系人5接收消息")


def csv_bytes(*rows: str, header=HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("gbk")


def _unit(org, label: str) -> Unit:
    db.session.rollback()
    return db.session.scalar(select(Unit).where(Unit.project_id == org.p1.id, Unit.label == label))


def test_a_common_part_from_the_file_is_found_at_intake_and_proposed_as_common_parts(org):
    data = csv_bytes("3栋,,,电梯,,,是,,秩序维护部,13700001234,是", "3栋,2,15,1501,89.5,自住,否,业主,王伟,13800001111,是")
    plan = import_units.plan(org.p1, data)
    assert plan.valid, plan.messages()
    import_units.apply(ADMIN, org.p1, data)
    lift, flat = _unit(org, "3栋电梯"), _unit(org, "3栋2单元1501")
    assert lift.common_area and not flat.common_area and lift.room == "电梯"
    assert lift.id in [u.id for u in find_units(org.p1, "3栋电梯")]
    assert warranty.propose(lift, "plumbing_electric", now()).charge_type == "common"
    assert warranty.propose(flat, "plumbing_electric", now()).charge_type == "paid"


def test_the_common_part_column_changes_a_unit_in_place_and_a_file_without_it_leaves_it_as_it_is(org):
    import_units.apply(ADMIN, org.p1, csv_bytes("3栋,,,屋面,,,是,,,,"))
    plan = import_units.plan(org.p1, csv_bytes("3栋,,,屋面,,,否,,,,"))
    assert [(r.action, r.changes.get("common_area")) for r in plan.rows] == [("change", (True, False))]
    old_header = HEADER.replace(",公共部位", "")
    assert [r.action for r in import_units.plan(org.p1, csv_bytes("3栋,,,屋面,,,,,,", header=old_header)).rows] \
        == ["same"]


def test_a_common_part_cell_that_is_neither_yes_nor_no_refuses_the_file(org):
    plan = import_units.plan(org.p1, csv_bytes("3栋,,,楼梯间,,,也许,,,,"))
    assert not plan.valid
    assert plan.rows[0].errors == [("公共部位", "公共部位（楼梯间、电梯、屋面等）填“是”，否则填“否”或留空。")]


def test_a_unit_with_five_contacts_keeps_all_of_them_through_export_and_import(org):
    people = ["业主,王伟,13800001111,是", "租户,赵敏,13700004444,是", "家属,王小明,13900002222,否",
              "家属,王奶奶,0755-12345678,否", "租户,钱立,13611112222/13611113333,是"]
    data = csv_bytes("3栋,2,15,1501,89.5,出租,否," + ",".join(people), header=HEADER + "," + FOUR)
    import_units.apply(ADMIN, org.p1, data)
    unit = _unit(org, "3栋2单元1501")
    assert [(c.kind, c.name) for c in unit.contacts] == [("owner", "王伟"), ("tenant", "赵敏"), ("family", "王小明"),
                                                         ("family", "王奶奶"), ("tenant", "钱立")]
    assert unit.contacts[4].phones == ["13611112222", "13611113333"]
    exported = export("units", org.p1)
    from openpyxl import load_workbook
    header = [c.value for c in next(load_workbook(io.BytesIO(exported)).worksheets[0].iter_rows())]
    assert "联系人5姓名" in header and "公共部位" in header
    plan = import_units.plan(org.p1, exported, "units.xlsx")
    assert plan.valid and {r.action for r in plan.rows} == {"same"}, [(r.key, r.changes) for r in plan.rows]
