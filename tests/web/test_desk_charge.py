"""The desk changes who pays after intake (A3), with a reason, audited: any type before the customer's
consent to a quote; after it only to a free type, the quote issued again at ¥0 due with its hours and
materials (the cost to claim), a signed 派工单 corrected; paid work needs a consent to a price; closed
orders keep their type."""
from __future__ import annotations

from datetime import date

import pytest

from tests.fixtures.images import signature_png
from tests.unit.test_technician import a_quote
from tests.web.test_charge import _on_site
from wuye.database import transaction
from wuye.extensions import db
from wuye.models import AuditEvent, Notification, RepairOrder
from wuye.models.job import Quote, SheetRevision
from wuye.services import Actor, orgs
from wuye.services.repairs import intake as repairs
from wuye.services.repairs import technician as svc


@pytest.fixture
def home(org):
    """5栋, completed 2023-06-30: a leak there is under warranty until 2028-06-30."""
    with transaction():
        b = orgs.add_building(org.p1, "5栋", completed_on=date(2023, 6, 30), main_contractor="中建八局")
        unit = orgs.add_unit(org.p1, b, "5栋1单元101", "业主", "13800001111")
    return unit


def _order(order_id: int) -> RepairOrder:
    db.session.rollback()
    return db.session.get(RepairOrder, order_id)


def _change(browser, order, charge_type: str, reason: str):
    browser.get(f"/desk/repairs/{order.number}")
    return browser.post(f"/desk/repairs/{order.number}/charge",
                        {"charge-charge_type": charge_type, "charge-reason": reason})


def _events(action: str) -> list[AuditEvent]:
    return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def _tech(org) -> Actor:
    return Actor(org.users["technician"], "x")


def test_the_desk_makes_paid_work_common_parts_after_intake_with_a_reason_audited_and_the_technician_told(
        org, make_order, clock, as_role):
    order = make_order(technician=org.users["technician"])
    assert order.charge_type == "paid"
    clerk = as_role("clerk")
    page = clerk.get(f"/desk/repairs/{order.number}").get_data(as_text=True)
    assert "更改收费类型" in page and 'name="charge-reason"' in page
    r = _change(clerk, order, "common", "维修人员电话确认：漏水来自公共排水立管")
    assert r.status_code == 303
    order = _order(order.id)
    assert order.charge_type == "common" and order.charge_note == "维修人员电话确认：漏水来自公共排水立管"
    [event] = _events("charge_change_desk")
    assert event.changes["from"] == "paid" and event.changes["to"] == "common" and event.actor_id == org.users["clerk"].id
    told = db.session.scalar(db.select(Notification).where(Notification.kind == "repair_charge_changed"))
    assert told is not None and told.user_id == org.users["technician"].id
    page = clerk.get(f"/desk/repairs/{order.number}").get_data(as_text=True)
    assert "前台更改收费类型" in page and "公共部位" in page and "公共排水立管" in page


def test_a_change_without_a_reason_or_to_an_unknown_type_is_refused_and_nothing_is_written(org, make_order, clock,
                                                                                           as_role):
    order = make_order()
    clerk = as_role("clerk")
    r = _change(clerk, order, "common", "  ")
    assert r.status_code == 422 and "请说明" in r.get_data(as_text=True)
    assert _change(clerk, order, "free-beer", "随便").status_code == 422
    assert _change(clerk, order, "paid", "没有变化").status_code == 422  # already paid work
    assert _order(order.id).charge_type == "paid" and _events("charge_change_desk") == []


def test_before_the_consent_the_quote_at_the_door_follows_the_new_type(org, home, make_order, clock, as_role):
    order = _on_site(org, make_order(unit=home, category="leak", technician=org.users["technician"]))
    assert order.charge_type == "warranty"
    assert _change(as_role("clerk"), order, "paid", "住户装修打穿防水层，属人为损坏").status_code == 303
    quote = svc.consent(svc.Step(_tech(org), _order(order.id)), a_quote(org), signature_png())
    assert quote.charge_type == "paid" and quote.total_fen == 12000  # 1.5 h × ¥50 + a ¥45 tap, by the price list
    assert _order(order.id).charge_party is None  # nobody to claim paid work from


def test_after_the_consent_paid_work_made_free_is_quoted_again_at_0_due_with_its_cost_to_claim(org, make_order,
                                                                                               clock, as_role):
    order = _on_site(org, make_order(technician=org.users["technician"]))
    consented = svc.consent(svc.Step(_tech(org), order), a_quote(org), signature_png())
    assert consented.total_fen == 12000
    assert _change(as_role("clerk"), order, "common", "现场确认属公共管道").status_code == 303
    quotes = db.session.scalars(db.select(Quote).where(Quote.order_id == order.id).order_by(Quote.revision)).all()
    assert [q.total_fen for q in quotes] == [12000, 0]
    again = quotes[-1]
    assert again.decision == "consented" and again.charge_type == "common"
    assert again.labour_fen + again.materials_fen == 12000 and len(again.lines) == 1  # the cost to claim
    [event] = _events("charge_change_desk")
    assert event.changes["quote"] == 2 and event.changes["was_fen"] == 12000
    svc.finish(svc.Step(_tech(org), _order(order.id)))
    svc.sign_acceptance(svc.Step(_tech(org), _order(order.id)), True, signature_png())
    assert as_role("technician").post(f"/tech/jobs/{order.number}/no_charge", {}).status_code == 303
    assert _order(order.id).state == "completed"
    from wuye.services.repairs.claims import claim_list
    [fund] = claim_list(db.session.merge(org.p1), "common")  # the maintenance fund's list: its hours and materials
    assert [(r.order.number, r.cost_fen) for r in fund.rows] == [(order.number, 12000)]


def test_after_consent_to_a_free_repair_the_desk_cannot_make_it_paid_work(org, home, make_order, clock, as_role):
    order = _on_site(org, make_order(unit=home, category="leak", technician=org.users["technician"]))
    svc.consent(svc.Step(_tech(org), order), a_quote(org), signature_png())
    r = _change(as_role("clerk"), order, "paid", "业主自行改造")
    assert r.status_code == 409 and "带价格的报价" in r.get_data(as_text=True)
    assert _order(order.id).charge_type == "warranty" and _events("charge_change_desk") == []


def test_a_signed_dispatch_sheet_gets_a_correction_and_the_payment_expects_0(org, make_order, clock, as_role):
    order = _on_site(org, make_order(technician=org.users["technician"]))
    svc.consent(svc.Step(_tech(org), order), a_quote(org), signature_png())
    svc.finish(svc.Step(_tech(org), _order(order.id)))
    svc.sign_acceptance(svc.Step(_tech(org), _order(order.id)), True, signature_png())
    assert _order(order.id).state == "signed"
    assert _change(as_role("clerk"), order, "warranty", "开发商确认属保修范围").status_code == 303
    sheets = db.session.scalars(db.select(SheetRevision).where(SheetRevision.order_id == order.id)
                                .order_by(SheetRevision.revision)).all()
    assert [s.content["charge_type"] for s in sheets] == ["paid", "warranty"]
    assert sheets[-1].content["quote"]["total_fen"] == 0 and sheets[-1].correction_reason == "开发商确认属保修范围"
    assert sheets[0].content["quote"]["total_fen"] == 12000  # the signed one stays as it was
    payment = svc.pay(svc.Step(_tech(org), _order(order.id)), svc.PaymentInput(method="none", amount_fen=0,
                                                                               receipt_no=""))
    assert payment.expected_fen == 0


def test_a_closed_order_keeps_its_charge_type(org, make_order, clock, as_role):
    order = make_order()
    repairs.cancel(Actor(org.users["clerk"], "x"), order, "客户取消")
    clerk = as_role("clerk")
    assert "更改收费类型" not in clerk.get(f"/desk/repairs/{order.number}").get_data(as_text=True)
    r = clerk.post(f"/desk/repairs/{order.number}/charge", {"charge-charge_type": "common", "charge-reason": "补录"})
    assert r.status_code == 409 and "已关闭" in r.get_data(as_text=True)
    assert _order(order.id).charge_type == "paid"


def test_only_the_desk_changes_who_pays_from_the_order_page(org, make_order, clock, as_role):
    order = make_order()
    for role in ("technician", "housing_officer", "staff"):
        b = as_role(role)
        r = b.post(f"/desk/repairs/{order.number}/charge", {"charge-charge_type": "common", "charge-reason": "x"})
        assert r.status_code == 403, role
    assert _order(order.id).charge_type == "paid"


def test_a_free_quote_signed_on_the_phone_after_the_desk_made_it_paid_work_is_no_consent_to_a_price(
        org, home, make_order, clock, as_role):
    from tests.web.test_tech_steps import quote_form
    order = _on_site(org, make_order(unit=home, category="leak", technician=org.users["technician"]))
    phone = as_role("technician")
    page = phone.get(f"/tech/jobs/{order.number}").get_data(as_text=True)
    assert 'name="q-charge_type" value="warranty"' in page  # what the phone shows the customer: ¥0 due
    assert _change(as_role("clerk"), order, "paid", "住户装修打穿防水层").status_code == 303
    r = phone.post(f"/tech/jobs/{order.number}/consent", {**quote_form(org, signature_png()), "q-charge_type": "warranty"},
                   content_type="multipart/form-data")
    assert r.status_code in (409, 422) and "重新报价" in r.get_data(as_text=True)
    assert _order(order.id).state == "on_site"
    assert db.session.scalar(db.select(Quote).where(Quote.order_id == order.id)) is None
    r = phone.post(f"/tech/jobs/{order.number}/consent", {**quote_form(org, signature_png()), "q-charge_type": "paid"},
                   content_type="multipart/form-data")
    assert r.status_code == 303 and db.session.scalar(db.select(Quote)).total_fen == 12000
