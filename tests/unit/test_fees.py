"""A2 fees: back at base the technician hands the collected cash to the housing officer (房管员)."""
from __future__ import annotations

from datetime import date

import pytest

from tests.fixtures.payments import pay_order
from wuye.extensions import db
from wuye.models.job import FeeHandover
from wuye.services import Actor, DomainError, InvalidInput
from wuye.services.repairs import fees


@pytest.fixture
def officer(org):
    return Actor(org.users["housing_officer"], "10.0.0.9")


def test_the_cash_a_technician_holds_is_each_unhanded_cash_payment(org, make_order, clock, officer):
    a = pay_order(org, make_order(technician=org.users["technician"]), receipt="R-1")
    pay_order(org, make_order(technician=org.users["technician"]), method="wechat", receipt="W-1")
    pay_order(org, make_order(technician=org.users["technician"]), amount_fen=0, reason="保修期内免费", receipt="R-0")
    pay_order(org, make_order(technician=org.users["technician2"]), receipt="R-2")
    pay_order(org, make_order(technician=org.users["p2_tech"], unit=org.other_unit, project=org.p2), receipt="P2")

    mine = fees.held_by(org.p1.id, org.users["technician"].id)
    # WeChat money never passes through the technician's hands; a free repair holds nothing
    assert [i.payment.receipt_no for i in mine.items] == ["R-1"] and mine.total_fen == 12000
    groups = fees.held_by_technician(org.p1.id)
    assert [(g.technician.name, g.total_fen) for g in groups] == [("technician-name", 12000), ("李志强", 12000)]
    assert fees.held_count(org.p1.id) == 2

    fees.receive(officer, a, 12000, None)
    assert fees.held_by(org.p1.id, org.users["technician"].id) is None
    assert fees.held_count(org.p1.id) == 1


@pytest.mark.parametrize("confirm", [fees.receive, fees.confirm_handover], ids=["receive", "confirm_handover"])
def test_a_difference_is_recorded_only_with_a_note(org, make_order, clock, officer, confirm):
    """The rule is the service's, whichever entry is called (the CLI, the demo, a view)."""
    from wuye.models import AuditEvent, Notification
    payment = pay_order(org, make_order(technician=org.users["technician"]))
    events = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))
    for note in (None, "", "  "):
        with pytest.raises(InvalidInput) as e:
            confirm(officer, payment, 11000, note)
        assert e.value.status == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(FeeHandover)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == events
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)
                             .where(Notification.kind == "fee_difference")) == 0
    h = confirm(officer, payment, 11000, " 技术员说找零时多找了10元 ")
    assert h.difference_fen == -1000 and h.note == "技术员说找零时多找了10元"


def test_the_amount_expected_needs_no_note(org, make_order, clock, officer):
    payment = pay_order(org, make_order(technician=org.users["technician"]))
    h = fees.confirm_handover(officer, payment, 12000)
    assert h.difference_fen == 0 and h.note is None


@pytest.mark.parametrize("received", [-1, 100_000_001, 2 ** 31, 10 ** 30])
def test_an_amount_received_outside_0_to_a_million_yuan_is_refused(org, make_order, clock, officer, received):
    payment = pay_order(org, make_order(technician=org.users["technician"]))
    with pytest.raises(InvalidInput):
        fees.confirm_handover(officer, payment, received, "数错了")
    assert db.session.scalar(db.select(db.func.count()).select_from(FeeHandover)) == 0


def test_the_flag_carries_both_names(org, make_order, clock, officer):
    payment = pay_order(org, make_order(technician=org.users["technician2"]))
    h = fees.receive(officer, payment, 12500, "多交了5元")
    row = fees.handover_row(org.p1.id, h.id)
    assert (row.technician.name, row.officer.name, row.difference_fen) == ("李志强", "housing_officer-name", 500)
    assert fees.handover_row(org.p2.id, h.id) is None  # not there for another project


def test_the_daily_reconciliation_counts_handovers_per_technician_on_the_projects_day(org, make_order, clock,
                                                                                       officer):
    # 2026-11-27 06:00 UTC is 14:00 in Shanghai
    p1 = pay_order(org, make_order(technician=org.users["technician"]), receipt="R-1")
    p2 = pay_order(org, make_order(technician=org.users["technician"]), receipt="R-2")
    p3 = pay_order(org, make_order(technician=org.users["technician2"]), receipt="R-3")
    pay_order(org, make_order(technician=org.users["technician2"]), method="alipay", receipt="A-1")
    pay_order(org, make_order(technician=org.users["technician2"]), method="account", receipt="AC-1")
    fees.receive(officer, p1, 12000, None)
    fees.receive(officer, p2, 11000, "少了10元")
    clock.advance(hours=9, minutes=59)  # 23:59 in Shanghai: still the 27th there
    fees.receive(officer, p3, 12000, None)

    rec = fees.reconcile(org.p1.id, date(2026, 11, 27), "Asia/Shanghai")
    by_name = {t.technician.username: t for t in rec.technicians}
    assert (by_name["technician"].expected_fen, by_name["technician"].received_fen,
            by_name["technician"].difference_fen) == (24000, 23000, -1000)
    assert [r.order.id for r in by_name["technician"].flagged] == [p2.order_id]
    assert by_name["technician2"].difference_fen == 0
    assert (rec.expected_fen, rec.received_fen, rec.difference_fen, rec.handover_count) == (36000, 35000, -1000, 3)
    assert {m.method: (m.count, m.amount_fen) for m in rec.methods} == {
        "cash": (3, 36000), "wechat": (0, 0), "alipay": (1, 12000), "account": (1, 12000)}
    assert rec.paid_fen == 60000 and rec.cash_still_held_fen == 0

    clock.advance(minutes=2)  # 00:01 on the 28th in Shanghai, still the 27th in UTC
    p4 = pay_order(org, make_order(technician=org.users["technician"]), receipt="R-4")
    fees.receive(officer, p4, 12000, None)
    assert fees.reconcile(org.p1.id, date(2026, 11, 27), "Asia/Shanghai").handover_count == 3
    next_day = fees.reconcile(org.p1.id, date(2026, 11, 28), "Asia/Shanghai")
    assert next_day.handover_count == 1 and next_day.methods[0].amount_fen == 12000


def test_cash_paid_on_the_day_and_not_handed_over_is_shown_as_still_held(org, make_order, clock, officer):
    pay_order(org, make_order(technician=org.users["technician"]))
    rec = fees.reconcile(org.p1.id, date(2026, 11, 27), "Asia/Shanghai")
    assert rec.cash_still_held_fen == 12000 and rec.received_fen == 0


def test_what_a_technician_handed_over_lately_is_newest_first(org, make_order, clock, officer):
    old = pay_order(org, make_order(technician=org.users["technician"]), receipt="R-old")
    fees.receive(officer, old, 12000, None)
    clock.advance(days=20)
    new = pay_order(org, make_order(technician=org.users["technician"]), receipt="R-new")
    fees.receive(officer, new, 12000, None)
    clock.advance(minutes=5)
    newer = pay_order(org, make_order(technician=org.users["technician"]), receipt="R-newer")
    fees.receive(officer, newer, 12000, None)
    recent = fees.recent_handovers(org.p1.id, org.users["technician"].id)
    assert [r.handover.payment.receipt_no for r in recent] == ["R-newer", "R-new"]
    assert fees.recent_handovers(org.p1.id, org.users["technician2"].id) == []
