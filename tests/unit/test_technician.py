"""A2 at the door: accept, prepare, arrive, quote consent, work, acceptance, payment, fees."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.fixtures.images import photo_jpeg, signature_png
from wuye.extensions import db
from wuye.models import AuditEvent, Deadline, RepairOrder
from wuye.models.job import FeeHandover, Invoice, Payment, PriceItem, Quote, SheetRevision, Visit
from wuye.services import Actor, DomainError, NotAllowed
from wuye.services.repairs import technician as svc
from wuye.services.repairs import fees as fee_desk
from wuye.services.repairs import invoices as invoice_desk
from wuye.services.repairs import quote as quoting
from wuye.services.repairs import sheet as dispatch_sheet
from wuye.services.repairs.uploads import InvalidUpload


@pytest.fixture
def tech(org):
    return Actor(org.users["technician"], "10.1.1.1")


@pytest.fixture
def job(org, make_order, clock):
    return make_order(technician=org.users["technician"])


def step(tech, order, **kw):
    return svc.Step(tech, db.session.get(RepairOrder, order.id), **kw)


def prepared(tech, order):
    svc.accept(step(tech, order))
    for item in svc.CHECKLIST:
        svc.tick(step(tech, order), item, True)
    return order


def at_door(tech, order):
    prepared(tech, order)
    svc.depart(step(tech, order))
    svc.arrive(step(tech, order))
    return order


def tap(org) -> PriceItem:
    return db.session.scalar(db.select(PriceItem).where(PriceItem.project_id == org.p1.id, PriceItem.code == "tap"))


def a_quote(org, **kw) -> quoting.QuoteInput:
    item = tap(org)
    line = quoting.QuoteLineInput(name=item.name, unit=item.unit, quantity_milli=1000, unit_price_fen=item.price_fen,
                              price_item_id=item.id)
    for k, v in kw.items():
        setattr(line, k, v)
    return quoting.QuoteInput(labour_minutes=90, lines=[line])


def in_progress(tech, org, order):
    at_door(tech, order)
    svc.consent(step(tech, order), a_quote(org), signature_png())
    return order


def test_accepting_starts_the_ten_minute_preparation_deadline(tech, job, clock):
    svc.accept(step(tech, job))
    d = db.session.scalar(db.select(Deadline).where(Deadline.subject_id == job.id, Deadline.kind == "preparation"))
    assert d.due_at - d.started_at == timedelta(minutes=10)


def test_depart_is_possible_only_when_every_checklist_item_is_ticked(tech, job, clock):
    svc.accept(step(tech, job))
    for item in svc.CHECKLIST[:-1]:
        svc.tick(step(tech, job), item, True)
    with pytest.raises(DomainError):
        svc.depart(step(tech, job))
    svc.tick(step(tech, job), svc.CHECKLIST[-1], True)
    svc.depart(step(tech, job))
    assert db.session.get(RepairOrder, job.id).state == "en_route"


def test_departing_meets_the_preparation_deadline_at_the_phones_time(tech, job, clock):
    prepared(tech, job)
    clock.advance(minutes=20)
    svc.depart(step(tech, job, at=clock.now - timedelta(minutes=12)))
    d = db.session.scalar(db.select(Deadline).where(Deadline.subject_id == job.id, Deadline.kind == "preparation"))
    assert d.met_at == clock.now - timedelta(minutes=12)


def test_arrival_meets_the_arrival_deadline(tech, job, clock):
    at_door(tech, job)
    d = db.session.scalar(db.select(Deadline).where(Deadline.subject_id == job.id,
                                                    Deadline.kind == "appointment_arrival"))
    assert d.met_at is not None


def test_an_action_time_in_the_future_is_refused(tech, job, clock):
    with pytest.raises(DomainError):
        svc.accept(step(tech, job, at=clock.now + timedelta(minutes=10)))
    assert db.session.get(RepairOrder, job.id).state == "dispatched"


def test_an_action_time_before_dispatch_is_refused(tech, job, clock):
    with pytest.raises(DomainError):
        svc.accept(step(tech, job, at=job.dispatched_at - timedelta(hours=1)))


def test_another_technician_cannot_work_the_job(org, job, clock):
    other = Actor(org.users["technician2"], "x")
    with pytest.raises(DomainError):
        svc.accept(step(other, job))


def test_a_housing_officer_cannot_alter_an_order(org, job, clock):
    with pytest.raises(NotAllowed):
        svc.accept(step(Actor(org.users["housing_officer"], "x"), job))


def test_the_fee_is_labour_plus_materials_in_fen(org):
    labour, materials, total, _lines = quoting.compute(org.p1.id, a_quote(org))
    assert (labour, materials, total) == (7500, 4500, 12000)  # 1.5 h at ¥50 + one tap at ¥45


def test_a_price_that_differs_from_the_price_list_needs_a_reason(org):
    with pytest.raises(DomainError):
        quoting.compute(org.p1.id, a_quote(org, unit_price_fen=3000))
    _l, _m, total, _ = quoting.compute(org.p1.id, a_quote(org, unit_price_fen=3000, price_reason="老客户优惠"))
    assert total == 7500 + 3000


def test_negative_quantities_are_refused(org):
    with pytest.raises(DomainError):
        quoting.compute(org.p1.id, a_quote(org, quantity_milli=-1000))


def test_consent_needs_the_customers_signature_and_starts_the_work(tech, org, job, clock):
    at_door(tech, job)
    with pytest.raises(InvalidUpload):
        svc.consent(step(tech, job), a_quote(org), None)
    with pytest.raises(InvalidUpload):
        svc.consent(step(tech, job), a_quote(org), signature_png(ink=False))  # an empty pad
    with pytest.raises(InvalidUpload):
        svc.consent(step(tech, job), a_quote(org), photo_jpeg())  # not a PNG
    with pytest.raises(InvalidUpload):
        svc.consent(step(tech, job), a_quote(org), b"\x89PNG\r\n\x1a\n" + b"0" * 300_000)  # oversized
    assert db.session.scalar(db.select(db.func.count()).select_from(Quote)) == 0
    quote = svc.consent(step(tech, job), a_quote(org), signature_png())
    assert quote.decision == "consented" and quote.signature.content_digest == quote.content_digest
    assert db.session.get(RepairOrder, job.id).state == "in_progress"


def test_a_declined_quote_closes_the_order_as_declined_and_keeps_the_quote(tech, org, job, clock):
    at_door(tech, job)
    with pytest.raises(DomainError):
        svc.decline(step(tech, job), a_quote(org), "")
    svc.decline(step(tech, job), a_quote(org), "价格太高，业主自己找人修")
    order = db.session.get(RepairOrder, job.id)
    assert order.state == "declined" and order.closed_at is not None
    kept = db.session.scalar(db.select(Quote).where(Quote.order_id == job.id))
    assert kept.decision == "declined" and kept.total_fen == 12000
    assert all(d.closed_at for d in db.session.scalars(db.select(Deadline).where(Deadline.subject_id == job.id))
               if not d.met_at)


def test_missing_tools_pause_the_work_with_a_reason(tech, org, job, clock):
    in_progress(tech, org, job)
    with pytest.raises(DomainError):
        svc.pause(step(tech, job), "")
    svc.pause(step(tech, job), "缺少管钳")
    assert db.session.get(RepairOrder, job.id).state == "paused"
    svc.resume(step(tech, job))
    assert db.session.get(RepairOrder, job.id).state == "in_progress"


def test_cannot_fix_now_books_a_follow_up_visit_with_its_own_arrival_deadline(tech, org, job, clock):
    in_progress(tech, org, job)
    start = clock.now + timedelta(days=1)
    svc.cannot_fix(step(tech, job), "需要订购配件", start, start + timedelta(hours=2))
    order = db.session.get(RepairOrder, job.id)
    assert order.state == "scheduled" and order.appointment_start == start
    visits = db.session.scalars(db.select(Visit).where(Visit.order_id == job.id).order_by(Visit.number)).all()
    assert [v.number for v in visits] == [1, 2] and visits[0].outcome == "cannot_fix"
    revisit = db.session.scalar(db.select(Deadline).where(Deadline.subject_id == job.id,
                                                          Deadline.kind == "revisit_arrival"))
    assert revisit.due_at == start
    # the follow-up visit: prepare again, depart, arrive meets the revisit deadline
    for item in svc.CHECKLIST:
        svc.tick(step(tech, job), item, True)
    svc.depart(step(tech, job))
    svc.arrive(step(tech, job))
    assert db.session.get(Deadline, revisit.id).met_at is not None


def test_photos_and_notes_are_kept_with_the_job(tech, org, job, clock):
    in_progress(tech, org, job)
    svc.note(step(tech, job), "更换了角阀")
    svc.photo(step(tech, job), "before", photo_jpeg())
    with pytest.raises(InvalidUpload):
        svc.photo(step(tech, job), "after", b"GIF89a not really")


def complete_to_signature(tech, org, job):
    in_progress(tech, org, job)
    svc.finish(step(tech, job))
    with pytest.raises(DomainError):
        svc.sign_acceptance(step(tech, job), False, signature_png())  # the function must be demonstrated
    return svc.sign_acceptance(step(tech, job), True, signature_png())


def test_the_signed_dispatch_sheet_cannot_change_a_correction_makes_a_new_revision(tech, org, job, clock):
    sheet = complete_to_signature(tech, org, job)
    assert dispatch_sheet.sheet_intact(sheet)
    clerk = Actor(org.users["clerk"], "x")
    dispatch_sheet.correct_sheet(clerk, db.session.get(RepairOrder, job.id), "描述笔误", "更换厨房水龙头")
    revs = db.session.scalars(db.select(SheetRevision).where(SheetRevision.order_id == job.id)
                              .order_by(SheetRevision.revision)).all()
    assert [r.revision for r in revs] == [1, 2]
    assert revs[0].content["description"] == "水龙头漏水" and dispatch_sheet.sheet_intact(revs[0])
    assert revs[1].content["description"] == "更换厨房水龙头" and revs[1].signature_id is None
    # tampering with the stored content is detected
    revs[0].content = {**revs[0].content, "description": "changed"}
    assert not dispatch_sheet.sheet_intact(revs[0])
    db.session.rollback()


def test_payment_is_the_quoted_amount_and_a_different_amount_needs_a_reason(tech, org, job, clock):
    complete_to_signature(tech, org, job)
    with pytest.raises(DomainError):
        svc.pay(step(tech, job), svc.PaymentInput("cash", 10000, "R-001"))
    assert db.session.scalar(db.select(db.func.count()).select_from(Payment)) == 0
    p = svc.pay(step(tech, job), svc.PaymentInput("cash", 12000, "R-001", invoice_wanted=True))
    assert p.expected_fen == 12000
    order = db.session.get(RepairOrder, job.id)
    assert order.state == "completed"
    assert db.session.scalar(db.select(Invoice).where(Invoice.order_id == job.id)).issued_at is None


def test_the_invoice_round_trip(tech, org, job, clock):
    complete_to_signature(tech, org, job)
    svc.pay(step(tech, job), svc.PaymentInput("wechat", 12000, "WX-1", invoice_wanted=True))
    invoice = db.session.scalar(db.select(Invoice))
    with pytest.raises(DomainError):
        svc.deliver_invoice(step(tech, job))  # not issued yet
    invoice_desk.issue_invoice(Actor(org.users["clerk"], "x"), invoice, "No.12345678")
    svc.deliver_invoice(step(tech, job))
    assert db.session.get(Invoice, invoice.id).delivered_at is not None


def test_a_fee_handover_with_a_difference_is_flagged_with_both_names(tech, org, job, clock):
    complete_to_signature(tech, org, job)
    payment = svc.pay(step(tech, job), svc.PaymentInput("cash", 12000, "R-9"))
    officer = Actor(org.users["housing_officer"], "x")
    with pytest.raises(NotAllowed):
        fee_desk.confirm_handover(Actor(org.users["clerk"], "x"), payment, 12000)
    h = fee_desk.confirm_handover(officer, payment, 11000, "少100元")
    assert h.difference_fen == -1000
    with pytest.raises(DomainError):
        fee_desk.confirm_handover(officer, payment, 12000)  # once per payment
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "fee_handover"))
    assert event.actor_id == org.users["housing_officer"].id and event.changes["technician"]
    assert db.session.scalar(db.select(db.func.count()).select_from(FeeHandover)) == 1


def test_a_cancelled_job_refuses_the_technicians_next_step(tech, org, job, clock):
    from wuye.services.repairs import intake as repairs
    svc.accept(step(tech, job))
    repairs.cancel(Actor(org.users["clerk"], "x"), db.session.get(RepairOrder, job.id), "业主取消")
    with pytest.raises(DomainError):
        svc.tick(step(tech, job), "badge", True)
