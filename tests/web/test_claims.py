"""Claiming free repairs' cost (A3): per responsible party and month with totals, marked claimed then paid
(audited), exported as XLSX with one sheet per party; common parts per building for the maintenance fund."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.fixtures.images import signature_png
from tests.unit.test_technician import a_quote
from wuye.database import transaction
from wuye.extensions import db
from wuye.models import AuditEvent, RepairOrder
from wuye.models.warranty import CostClaim
from wuye.services import Actor, orgs
from wuye.services.repairs import technician as svc


@pytest.fixture
def estate(org):
    with transaction():
        b5 = orgs.add_building(org.p1, "5栋", completed_on=date(2023, 6, 30), developer="翠湖置业",
                               main_contractor="中建八局")
        b6 = orgs.add_building(org.p1, "6栋", completed_on=date(2024, 6, 30), developer="翠湖置业",
                               main_contractor="浙江宝业")
        units = {"a": orgs.add_unit(org.p1, b5, "5栋1单元101"), "b": orgs.add_unit(org.p1, b6, "6栋1单元101"),
                 "lobby": orgs.add_unit(org.p1, b5, "5栋大堂", common_area=True)}
    return units


def done(org, make_order, unit, category="leak", hours=90):
    """A job through every step to its close; a free one with the ¥0 close."""
    order = make_order(unit=unit, category=category, technician=org.users["technician"])
    tech = Actor(org.users["technician"], "x")

    def s():
        return svc.Step(tech, db.session.get(RepairOrder, order.id))
    svc.accept(s())
    for item in svc.CHECKLIST:
        svc.tick(s(), item, True)
    svc.depart(s()), svc.arrive(s())
    q = a_quote(org)
    q.labour_minutes = hours
    svc.consent(s(), q, signature_png())
    svc.finish(s())
    svc.sign_acceptance(s(), True, signature_png())
    svc.pay(s(), svc.PaymentInput(method="none", amount_fen=0, receipt_no=""))
    return db.session.get(RepairOrder, order.id)


def test_the_claim_list_groups_warranty_jobs_per_party_with_totals(org, estate, make_order, clock, as_role):
    one = done(org, make_order, estate["a"])  # 1.5 h × ¥50 + ¥45 = ¥120
    done(org, make_order, estate["a"], hours=60)  # ¥95
    other = done(org, make_order, estate["b"])
    html = as_role("clerk").get("/desk/claims/?kind=warranty&month=2026-11").get_data(as_text=True)
    assert "中建八局" in html and "浙江宝业" in html and one.number in html and other.number in html
    assert "¥215.00" in html and "¥335.00" in html  # 中建八局's total; all parties
    assert "中建八局" not in as_role("clerk").get("/desk/claims/?kind=warranty&month=2026-10").get_data(as_text=True)


def test_jobs_are_marked_claimed_then_paid_and_each_mark_is_audited(org, estate, make_order, clock, as_role):
    order = done(org, make_order, estate["a"])
    b = as_role("cs_supervisor")
    b.get("/desk/claims/")
    r = b.post("/desk/claims/mark", {"order": str(order.id), "to": "paid"})
    assert r.status_code == 409 and db.session.scalar(db.select(CostClaim)) is None
    assert b.post("/desk/claims/mark", {"order": str(order.id), "to": "claimed"}).status_code == 303
    assert b.post("/desk/claims/mark", {"order": str(order.id), "to": "paid"}).status_code == 303
    assert db.session.scalar(db.select(CostClaim)).state == "paid"
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.like("claim_%")).order_by(AuditEvent.id)).all()
    assert actions == ["claim_claimed", "claim_paid"]
    assert "claimed" not in b.get("/desk/claims/?state=open").get_data(as_text=True).split("claims-total")[1]


def test_a_paid_job_or_another_projects_job_cannot_be_marked(org, estate, make_order, clock, as_role):
    paid = make_order(technician=org.users["technician"])
    b = as_role("project_manager")
    b.get("/desk/claims/")
    assert b.post("/desk/claims/mark", {"order": str(paid.id), "to": "claimed"}).status_code == 409
    assert b.post("/desk/claims/mark", {"order": "99999", "to": "claimed"}).status_code == 409
    assert b.post("/desk/claims/mark", {"to": "claimed"}).status_code == 422


def test_the_xlsx_export_has_one_sheet_per_party_with_its_rows_and_total(org, estate, make_order, clock, as_role):
    one = done(org, make_order, estate["a"])
    done(org, make_order, estate["b"], hours=60)
    r = as_role("clerk").get("/desk/claims/export.xlsx?kind=warranty&month=2026-11")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(r.data))
    assert book.sheetnames == ["中建八局", "浙江宝业"]
    rows = list(book["中建八局"].iter_rows(values_only=True))
    assert rows[2][0] == one.number and rows[2][8] == 120
    assert rows[-1][0] == "合计" and rows[-1][8] == 120


def test_common_parts_jobs_are_listed_per_building_for_the_maintenance_fund(org, estate, make_order, clock, as_role):
    lobby = done(org, make_order, estate["lobby"], category="plumbing_electric")
    assert lobby.charge_type == "common"
    html = as_role("clerk").get("/desk/claims/?kind=common").get_data(as_text=True)
    assert lobby.number in html and "5栋" in html and "公共维修资金" in html
    assert lobby.number not in as_role("clerk").get("/desk/claims/?kind=warranty").get_data(as_text=True)


def test_a_bad_month_is_refused_with_a_message(org, clock, as_role):
    r = as_role("clerk").get("/desk/claims/?month=2026-13")
    assert r.status_code == 422 and "2026-11" in r.get_data(as_text=True)


def test_the_project_manager_lengthens_a_warranty_period_and_a_shorter_one_is_refused(org, estate, clock, as_role):
    from wuye.services.repairs import warranty
    b = as_role("project_manager")
    page = b.get("/desk/claims/warranty-table").get_data(as_text=True)
    assert "屋面防水、卫生间房间外墙面防渗漏" in page and "法定最低保修期" in page
    r = b.post("/desk/claims/warranty-table/waterproofing", {"waterproofing-period": "3",
                                                             "waterproofing-responsible": "developer",
                                                             "waterproofing-categories": "leak"})
    assert r.status_code == 422 and "不能短于法定的 5" in r.get_data(as_text=True)
    r = b.post("/desk/claims/warranty-table/waterproofing", {"waterproofing-period": "8",
                                                             "waterproofing-responsible": "developer",
                                                             "waterproofing-categories": ["leak", "walls_floors"]})
    assert r.status_code == 303
    item = next(i for i in warranty.table(org.p1.id) if i.code == "waterproofing")
    assert item.period == 8 and item.categories == ("leak", "walls_floors") and item.responsible == "developer"
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "warranty_item_change")).changes["period"] == 8
    r = b.post("/desk/claims/warranty-table/heating", {"heating-period": "2", "heating-responsible": "developer",
                                                       "heating-season_start": "13-01", "heating-season_end": "03-15"})
    assert r.status_code == 422
