"""A1: the front desk fills the 报修单 and dispatches it."""
from __future__ import annotations

from datetime import timedelta

import pytest

from wuye.extensions import db
from wuye.models import AuditEvent, Notification, RepairCounter, RepairOrder
from wuye.services import Actor, DomainError, NotAllowed
from wuye.services.repairs import intake as repairs


def test_an_order_is_numbered_by_the_projects_local_day(org, make_order, clock):
    # 2026-11-27 17:00 UTC is already 28 November in Shanghai
    clock.set(clock.now.replace(hour=17))
    order = make_order()
    assert order.number == "BX-20261128-0001"
    assert make_order().number == "BX-20261128-0002"


def test_each_project_counts_its_own_day(org, make_order, clock):
    make_order()
    other = make_order(unit=org.other_unit, project=org.p2)
    assert other.number.endswith("-0001")


def test_intake_writes_an_audit_event_in_the_same_transaction(org, make_order, clock):
    order = make_order()
    events = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.subject_type == "repair_order", AuditEvent.subject_id == order.id).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["create"]
    assert events[0].address == "127.0.0.1"
    assert events[0].actor_id == org.users["clerk"].id


def test_a_normal_job_needs_the_appointment_agreed_with_the_customer(org, make_order, clock):
    with pytest.raises(DomainError):
        make_order(appointment_start=None, appointment_end=None)
    assert db.session.scalar(db.select(db.func.count()).select_from(RepairOrder)) == 0


def test_an_emergency_needs_no_appointment(org, make_order, clock):
    order = make_order(urgency="emergency")
    assert order.appointment_start is None and order.state == "new"


def test_a_refused_intake_gives_its_number_back(org, make_order, clock):
    make_order()
    with pytest.raises(DomainError):
        make_order(unit=org.other_unit)  # a unit of another project
    assert make_order().number.endswith("-0002")


def test_an_intake_that_fails_after_taking_its_number_gives_the_number_back(org, make_order, clock, monkeypatch):
    make_order()
    taken = []

    def audit_store_down(*args, **kwargs):  # a step after the number is taken
        taken.append(db.session.scalar(db.select(RepairCounter.last)))
        raise RuntimeError("audit store down")

    with monkeypatch.context() as m:
        m.setattr(repairs, "record", audit_store_down)
        with pytest.raises(RuntimeError):
            make_order()
    assert taken == [2]
    assert make_order().number.endswith("-0002")
    created = db.session.scalars(db.select(AuditEvent.changes).where(AuditEvent.subject_type == "repair_order"))
    assert [c["number"][-4:] for c in created] == ["0001", "0002"]


def test_dispatch_notifies_the_technician(org, make_order, clock):
    tech = org.users["technician"]
    order = make_order(technician=tech)
    assert order.state == "dispatched" and order.technician_id == tech.id
    notes = db.session.scalars(db.select(Notification).where(Notification.user_id == tech.id).order_by(Notification.id)).all()
    assert [n.kind for n in notes] == ["repair_dispatched"]
    assert notes[0].params["number"] == order.number


def test_a_technician_of_another_project_cannot_be_dispatched(org, make_order, clock):
    with pytest.raises(DomainError):
        make_order(technician=org.users["p2_tech"])


def test_reassign_needs_a_reason_and_tells_both_technicians(org, make_order, clock):
    clerk = Actor(org.users["clerk"], "10.0.0.1")
    order = make_order(technician=org.users["technician"])
    with pytest.raises(DomainError):
        repairs.reassign(clerk, order, org.users["technician2"].id, "  ")
    repairs.reassign(clerk, order, org.users["technician2"].id, "张师傅请假")
    order = db.session.get(RepairOrder, order.id)
    assert order.technician_id == org.users["technician2"].id
    kinds = {(n.user_id, n.kind) for n in db.session.scalars(db.select(Notification))}
    assert (org.users["technician"].id, "repair_reassigned_away") in kinds
    assert (org.users["technician2"].id, "repair_dispatched") in kinds


def test_cancel_needs_a_reason_and_closes_the_order(org, make_order, clock):
    clerk = Actor(org.users["clerk"], "10.0.0.1")
    order = make_order()
    with pytest.raises(DomainError):
        repairs.cancel(clerk, order, "")
    repairs.cancel(clerk, order, "业主自行修好")
    order = db.session.get(RepairOrder, order.id)
    assert order.state == "cancelled"
    with pytest.raises(DomainError):
        repairs.dispatch(clerk, order, org.users["technician"].id)


def test_only_the_front_desk_may_take_a_repair_order(org, clock):
    intake = repairs.Intake(source="phone", unit_id=org.units[0].id, contact_name="王", contact_phone="13812345678",
                            category="other", description="x", urgency="emergency")
    with pytest.raises(NotAllowed):
        repairs.create_order(Actor(org.users["technician"], "x"), org.p1, intake)


def test_the_time_of_the_call_cannot_be_in_the_future(org, make_order, clock):
    with pytest.raises(DomainError):
        make_order(urgency="emergency", called_at=clock.now + timedelta(hours=1))


def test_the_service_files_an_overdue_emergency_only_when_the_clerk_confirmed(org, make_order, clock):
    from wuye.services.repairs.intake import FiledOverdue
    with pytest.raises(FiledOverdue):
        make_order(urgency="emergency", called_at=clock.now - timedelta(minutes=15))
    assert make_order(urgency="emergency", called_at=clock.now - timedelta(minutes=15), overdue_confirmed=True)


def test_the_service_refuses_a_call_time_older_than_the_backdate_limit(org, make_order, clock):
    from wuye.services.repairs.intake import CallTimeRefused
    with pytest.raises(CallTimeRefused):
        make_order(called_at=clock.now - timedelta(hours=72, minutes=1))
