"""Who pays over HTTP (A3): the intake proposal with its reason, the clerk's choice, the technician's change
on site shown on the desk, the ¥0 close of a free repair, and the type on the papers and the resident's link."""
from __future__ import annotations

import re
from datetime import date

import pytest

from tests.fixtures.images import signature_png
from tests.web.test_intake import _valid
from tests.web.test_tech_steps import quote_form
from wuye.database import transaction
from wuye.extensions import db
from wuye.models import AuditEvent, RepairOrder
from wuye.models.job import Payment
from wuye.services import Actor, orgs
from wuye.services.repairs import technician as svc


@pytest.fixture
def home(org):
    """A flat of 5栋, completed 2023-06-30: a leak is under warranty until 2028-06-30."""
    with transaction():
        b = orgs.add_building(org.p1, "5栋", completed_on=date(2023, 6, 30), developer="翠湖置业",
                              main_contractor="中建八局")
        unit = orgs.add_unit(org.p1, b, "5栋1单元101", "业主", "13800001111")
    return unit


def _orders() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(RepairOrder))


def test_intake_proposes_under_warranty_with_its_reason(org, home, clock, as_role):
    html = as_role("clerk").get(f"/desk/repairs/charge-proposal?unit_id={home.id}&category=leak").get_data(as_text=True)
    assert re.search(r'value="warranty"\s+checked', html)
    assert "保修期内：屋面防水、卫生间房间外墙面防渗漏 5 年，竣工 2023-06-30，至 2028-06-30。" in html


def test_the_proposal_without_a_completion_date_says_why(org, clock, as_role):
    html = as_role("clerk").get(f"/desk/repairs/charge-proposal?unit_id={org.units[0].id}&category=leak")\
        .get_data(as_text=True)
    assert "未登记竣工验收日期" in html and re.search(r'value="paid"\s+checked', html)


def test_a_unit_of_another_project_gets_no_proposal(org, clock, as_role):
    html = as_role("clerk").get(f"/desk/repairs/charge-proposal?unit_id={org.other_unit.id}&category=leak")\
        .get_data(as_text=True)
    assert "checked" not in html


def test_the_clerk_confirms_the_proposal_and_the_order_page_shows_type_and_reason(org, home, clock, as_role):
    b = as_role("clerk")
    b.get("/desk/repairs/new")
    r = b.post("/desk/repairs/new", _valid(org, unit_id=str(home.id), category="leak", charge_type="warranty"))
    assert r.status_code == 303
    order = db.session.scalar(db.select(RepairOrder))
    assert order.charge_type == "warranty" and order.charge_party == "中建八局"
    page = b.get(r.headers["Location"]).get_data(as_text=True)
    assert "保修期内" in page and "至 2028-06-30" in page and "中建八局" in page


def test_another_type_than_the_proposal_needs_a_note_and_nothing_is_saved_without(org, home, clock, as_role):
    b = as_role("clerk")
    b.get("/desk/repairs/new")
    r = b.post("/desk/repairs/new", _valid(org, unit_id=str(home.id), category="leak", charge_type="paid"))
    assert r.status_code == 422 and "请说明原因" in r.get_data(as_text=True)
    assert _orders() == 0
    r = b.post("/desk/repairs/new", _valid(org, unit_id=str(home.id), category="leak", charge_type="paid",
                                           charge_note="业主改造卫生间破坏防水"))
    assert r.status_code == 303 and db.session.scalar(db.select(RepairOrder)).charge_type == "paid"


def test_an_unknown_charge_type_is_refused(org, home, clock, as_role):
    b = as_role("clerk")
    b.get("/desk/repairs/new")
    r = b.post("/desk/repairs/new", _valid(org, unit_id=str(home.id), category="leak", charge_type="free-beer"))
    assert r.status_code == 422 and _orders() == 0


def _on_site(org, order):
    tech = Actor(org.users["technician"], "x")
    svc.accept(svc.Step(tech, order))
    for item in svc.CHECKLIST:
        svc.tick(svc.Step(tech, db.session.get(RepairOrder, order.id)), item, True)
    svc.depart(svc.Step(tech, db.session.get(RepairOrder, order.id)))
    svc.arrive(svc.Step(tech, db.session.get(RepairOrder, order.id)))
    return db.session.get(RepairOrder, order.id)


def test_the_technician_changes_it_on_site_with_a_reason_and_the_desk_sees_it(org, home, make_order, clock, as_role):
    order = _on_site(org, make_order(unit=home, category="leak", technician=org.users["technician"]))
    b = as_role("technician")
    page = b.get(f"/tech/jobs/{order.number}").get_data(as_text=True)
    assert "更改收费类型" in page
    r = b.post(f"/tech/jobs/{order.number}/change_charge", {"charge-charge_type": "paid", "charge-reason": ""})
    assert r.status_code == 422 and db.session.get(RepairOrder, order.id).charge_type == "warranty"
    r = b.post(f"/tech/jobs/{order.number}/change_charge",
               {"charge-charge_type": "paid", "charge-reason": "人为损坏：住户自行开槽"})
    assert r.status_code == 303 and db.session.get(RepairOrder, order.id).charge_type == "paid"
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "charge_change")) is not None
    desk = as_role("clerk").get(f"/desk/repairs/{order.number}").get_data(as_text=True)
    assert "现场更改收费类型" in desk and "人为损坏：住户自行开槽" in desk
    assert "户内有偿" in desk


def test_a_free_repair_quotes_0_due_and_closes_without_money(org, home, make_order, clock, as_role):
    order = _on_site(org, make_order(unit=home, category="leak", technician=org.users["technician"]))
    b = as_role("technician")
    page = b.get(f"/tech/jobs/{order.number}").get_data(as_text=True)
    assert 'data-free="1"' in page
    r = b.post(f"/tech/jobs/{order.number}/consent", quote_form(org, signature_png()), content_type="multipart/form-data")
    assert r.status_code == 303
    tech = Actor(org.users["technician"], "x")
    svc.finish(svc.Step(tech, db.session.get(RepairOrder, order.id)))
    svc.sign_acceptance(svc.Step(tech, db.session.get(RepairOrder, order.id)), True, signature_png())
    page = b.get(f"/tech/jobs/{order.number}").get_data(as_text=True)
    assert "应收 ¥0" in page and "保修期内，免费维修" in page
    assert b.post(f"/tech/jobs/{order.number}/no_charge", {}).status_code == 303
    payment = db.session.scalar(db.select(Payment))
    assert payment.amount_fen == 0 and payment.method == "none"
    assert db.session.get(RepairOrder, order.id).state == "completed"
    sheet = as_role("clerk").get(f"/desk/repairs/{order.number}/sheet").get_data(as_text=True)
    assert "保修期内" in sheet and "不收费" in sheet and "¥120.00" in sheet  # 1.5 h × ¥50 + a ¥45 tap


def test_paid_work_cannot_use_the_no_charge_close(org, make_order, clock, as_role):
    order = _on_site(org, make_order(technician=org.users["technician"]))
    tech = Actor(org.users["technician"], "x")
    from tests.unit.test_technician import a_quote
    svc.consent(svc.Step(tech, order), a_quote(org), signature_png())
    svc.finish(svc.Step(tech, db.session.get(RepairOrder, order.id)))
    svc.sign_acceptance(svc.Step(tech, db.session.get(RepairOrder, order.id)), True, signature_png())
    r = as_role("technician").post(f"/tech/jobs/{order.number}/no_charge", {})
    assert r.status_code == 422 and db.session.get(RepairOrder, order.id).state == "signed"


def test_the_printed_order_and_the_residents_link_show_the_type(org, home, make_order, clock, as_role, anon):
    from wuye.services.residents.link import issue_link
    order = make_order(unit=home, category="leak")
    _link, token = issue_link(Actor(org.users["clerk"], "x"), order)
    printed = as_role("clerk").get(f"/desk/repairs/{order.number}/print").get_data(as_text=True)
    assert "保修期内" in printed and "2028-06-30" in printed
    assert "保修期内，免费维修" in anon.get(f"/s/{token}").get_data(as_text=True)


def test_the_change_replayed_from_the_offline_outbox_happens_once(org, home, make_order, clock, as_role):
    order = _on_site(org, make_order(unit=home, category="leak", technician=org.users["technician"]))
    b = as_role("technician")
    data = {"charge-charge_type": "paid", "charge-reason": "人为损坏", "charge-happened_at": clock.now.isoformat()}
    key = {"Idempotency-Key": "0f8fad5b-d9cb-469f-a165-70867728950e"}
    assert b.post(f"/tech/jobs/{order.number}/change_charge", data, headers=key).status_code == 303
    assert b.post(f"/tech/jobs/{order.number}/change_charge", data, headers=key).status_code == 303
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "charge_change").order_by(AuditEvent.id)).all()
    assert len(events) == 1 and db.session.get(RepairOrder, order.id).charge_type == "paid"
