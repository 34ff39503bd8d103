"""B5 and C: the complaint deadlines, each at its boundary with a set clock, and their escalation
through the one deadline engine (the responsible person and the employee who took it → the CS
supervisor → the project manager)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from wuye.extensions import db
from wuye.models import Deadline, DeadlineNotice, Notification, User
from wuye.services.complaints import record as rec
from wuye.services.complaints import intake as complaints
from wuye.services.deadlines import table as deadlines
from wuye.services.deadlines.tick import tick

from .test_deadlines import sh


def the(subject, kind: str, stype: str = "complaint") -> Deadline:
    db.session.expire_all()
    return db.session.scalars(db.select(Deadline).where(
        Deadline.subject_type == stype, Deadline.subject_id == subject.id, Deadline.kind == kind)
        .order_by(Deadline.id.desc())).first()


def told(kind: str) -> list[str]:
    return [u for u, in db.session.execute(
        db.select(User.username).join(Notification, Notification.user_id == User.id)
        .where(Notification.kind == kind).order_by(Notification.id))]


def levels(d: Deadline) -> list[tuple[int, str]]:
    return [(n.level, n.kind) for n in db.session.scalars(
        db.select(DeadlineNotice).where(DeadlineNotice.deadline_id == d.id).order_by(DeadlineNotice.level))]


def test_the_complaint_deadlines_are_rows_of_the_one_table():
    t = deadlines.TABLE
    assert (t["invalid_contact"].length, t["valid_record"].length, t["serious_result"].length,
            t["other_units_contact"].length) == (timedelta(days=1), timedelta(days=3), timedelta(hours=48),
                                                 timedelta(days=3))
    assert t["corrective_action"].booked and t["corrective_action"].subject == "corrective_action"
    assert {r.subject for r in deadlines.RULES} >= {"complaint", "corrective_action"}
    assert set(deadlines.SUBJECTS) >= {"complaint", "corrective_action"}


# ---- 无效投诉: 一天内与投诉人联系，做好解释工作 --------------------------------------------------

@pytest.fixture
def invalid_at_1400(kit, clock):
    clock.set(sh("14:00"))
    return kit.invalid(by="staff")


def test_an_invalid_complaint_is_explained_within_one_day(invalid_at_1400):
    d = the(invalid_at_1400, "invalid_contact")
    assert (d.started_at, d.due_at) == (sh("14:00"), sh("14:00", 28))
    assert tick(sh("14:00", 28)).breached == 0
    assert tick(sh("14:01", 28)).breached == 1
    # the CS clerk who registered it, and the employee who took it (and follows it, B2)
    assert told("deadline_breach") == ["clerk", "staff"]
    assert tick(sh("17:59", 28)).escalated == 0
    assert tick(sh("18:00", 28)).escalated == 1  # four hours after the due time: the CS supervisor
    assert told("deadline_escalate") == ["cs_supervisor"]


def test_an_explanation_on_the_day_meets_it(kit, invalid_at_1400, clock):
    clock.set(sh("13:59", 28))
    kit.reply(invalid_at_1400, "basically")
    d = the(invalid_at_1400, "invalid_contact")
    assert d.met_at == sh("13:59", 28) and not d.met_late
    assert tick(sh("15:00", 28)).breached == 0


def test_an_explanation_told_later_keeps_the_time_it_happened(kit, invalid_at_1400, clock):
    clock.set(sh("16:00", 28))
    tick(sh("14:30", 28))
    rec.record_reply(kit.actor("clerk"), kit.fresh(invalid_at_1400),
                     rec.Contact(sh("13:30", 28), "phone", "已向业主解释小区管理规定"), "satisfied")
    d = the(invalid_at_1400, "invalid_contact")
    assert (d.met_at, d.breached_at) == (sh("13:30", 28), None)  # the breach marked at 14:30 is withdrawn


# ---- 有效投诉: 三天内分析原因和责任，填写《顾客投诉处理记录表》 ---------------------------------------

def test_a_valid_complaint_has_its_record_within_three_days(kit, clock):
    clock.set(sh("09:00"))
    c = kit.valid()
    d = the(c, "valid_record")
    assert (d.due_at, d.responsible_id) == (sh("09:00", 30), kit.org.users["clerk"].id)
    assert tick(sh("09:00", 30)).breached == 0
    assert tick(sh("09:01", 30)).breached == 1


def test_the_record_is_complete_with_cause_responsibility_and_a_corrective_action(kit, clock):
    clock.set(sh("09:00"))
    c = kit.valid()
    clock.set(sh("10:00", 29))
    kit.findings(c)
    assert the(c, "valid_record").running  # still no corrective action
    clock.set(sh("11:00", 29))
    kit.action(c)
    assert the(c, "valid_record").met_at == sh("11:00", 29)


def test_a_serious_complaints_record_needs_the_on_site_inspection_within_the_three_days(kit, clock):
    clock.set(sh("09:00"))
    c = kit.valid(severity="serious", criteria=["several_departments"])
    kit.findings(c)
    kit.action(c)
    assert the(c, "valid_record").running
    clock.set(sh("16:00", 28))
    kit.inspect(c)
    assert the(c, "valid_record").met_at == sh("16:00", 28)


# ---- 严重投诉: 48小时内有处理结果 ----------------------------------------------------------------

@pytest.fixture
def serious_taken_at_1400(kit, clock):
    """Taken at 14:00 by the staff member; CS registers it serious at 15:30 and judges it valid."""
    clock.set(sh("14:00"))
    c = kit.take(by="staff")
    clock.set(sh("15:30"))
    kit.register(c, severity="serious", criteria=["media"])
    return kit.classify(c, "valid", severity="serious", criteria=["media"])


def test_a_serious_complaint_has_its_handling_result_within_48_hours_of_its_receipt(kit, serious_taken_at_1400):
    d = the(serious_taken_at_1400, "serious_result")
    assert (d.started_at, d.due_at) == (sh("14:00"), sh("14:00", 29))
    assert d.responsible_id == kit.org.users["dept_head"].id  # the head of the department it went to
    assert tick(sh("14:00", 29)).breached == 0


def test_the_48_hours_breach_and_escalate_to_the_cs_supervisor_at_once(kit, serious_taken_at_1400):
    report = tick(sh("14:01", 29))
    assert (report.breached, report.escalated) == (1, 1)
    d = the(serious_taken_at_1400, "serious_result")
    assert levels(d) == [(1, "breach"), (2, "escalate")]  # past due: no warning any more
    assert told("deadline_breach") == ["dept_head", "staff"]
    assert told("deadline_escalate") == ["cs_supervisor"]
    assert tick(sh("01:59", 30)).escalated == 0
    assert tick(sh("02:00", 30)).escalated == 1  # twelve hours after the due time: the project manager
    assert told("deadline_escalate") == ["cs_supervisor", "project_manager"]


def test_a_handling_result_within_48_hours_meets_it(kit, serious_taken_at_1400, clock):
    c = serious_taken_at_1400
    kit.findings(c)
    kit.action(c)
    kit.inspect(c)
    clock.set(sh("13:00", 29))
    kit.result(c)
    assert the(c, "serious_result").met_at == sh("13:00", 29)
    assert tick(sh("15:00", 29)).breached == 0


def test_a_serious_complaint_judged_invalid_has_no_48_hours_but_its_one_day(kit, clock):
    clock.set(sh("14:00"))
    c = kit.take()
    kit.register(c, severity="serious", criteria=["media"])
    assert the(c, "serious_result").running
    kit.classify(c, "invalid", reason="unaware_of_rules", severity="serious", criteria=["media"])
    assert not the(c, "serious_result").running
    assert the(c, "invalid_contact").running


# ---- 涉及其它单位: 三天内与投诉人联系 -------------------------------------------------------------

def test_other_units_involved_the_complainant_is_contacted_within_three_days(kit, clock):
    clock.set(sh("10:00"))
    c = kit.take()
    kit.register(c)
    kit.classify(c, "valid", other_units=True, other_units_note="自来水公司")
    d = the(c, "other_units_contact")
    assert d.due_at == sh("10:00", 30)
    assert tick(sh("10:00", 30)).breached == 0
    clock.set(sh("09:00", 30))
    rec.record_contact(kit.actor("clerk"), kit.fresh(c), rec.Contact(
        None, "phone", "已告知业主涉及自来水公司，正在协调", "other_units"))
    assert the(c, "other_units_contact").met_at == sh("09:00", 30)
    assert the(c, "valid_record").running  # a phone call is no complaint record


def test_other_units_contact_breaches_after_three_days(kit, clock):
    clock.set(sh("10:00"))
    c = kit.take()
    kit.register(c)
    kit.classify(c, "invalid", reason="other_body", other_units=True, other_units_note="市政路灯所")
    assert tick(sh("10:01", 30)).breached == 2  # the day to explain, and the three days


# ---- 纠正措施: by its own due date; CS checks it ----------------------------------------------

def test_each_corrective_action_is_due_by_its_own_date(kit, clock):
    clock.set(sh("09:00"))
    c = kit.valid()
    first = rec.set_action(kit.actor("dept_head"), kit.fresh(c), "更换灯泡", kit.org.users["technician"].id,
                           sh("18:00", 28))
    second = rec.set_action(kit.actor("dept_head"), kit.fresh(c), "巡检全楼照明", kit.org.users["dept_head"].id,
                            sh("18:00", 30))
    a, b = the(first, "corrective_action", "corrective_action"), the(second, "corrective_action",
                                                                       "corrective_action")
    assert (a.due_at, a.responsible_id) == (sh("18:00", 28), kit.org.users["technician"].id)
    assert b.due_at == sh("18:00", 30)
    assert a.warn_at == sh("18:00", 27)  # a day before
    assert tick(sh("18:00", 28)).breached == 0
    assert tick(sh("18:01", 28)).breached == 1
    assert told("deadline_breach") == ["technician", "dept_head"]  # its owner and who set it
    assert tick(sh("18:01", 29)).escalated == 1
    assert told("deadline_escalate") == ["cs_supervisor"]
    assert the(second, "corrective_action", "corrective_action").breached_at is None


def test_a_corrective_action_done_on_time_meets_it(kit, clock):
    clock.set(sh("09:00"))
    c = kit.valid()
    a = kit.action(c, days=2)
    clock.set(sh("17:00", 28))
    rec.action_done(kit.actor("dept_head"), kit.fresh(c), a.id, "已更换")
    d = the(a, "corrective_action", "corrective_action")
    assert d.met_at == sh("17:00", 28)
    tick(sh("10:00", 30))
    assert the(a, "corrective_action", "corrective_action").breached_at is None


def test_closing_the_complaint_ends_its_running_deadlines(kit, clock):
    c = kit.valid()
    kit.findings(c)
    a = kit.action(c)
    kit.result(c)
    kit.reply(c)
    kit.done_and_verified(c, a)
    complaints.close(kit.actor("clerk"), kit.fresh(c))
    open_rows = db.session.scalar(db.select(db.func.count()).select_from(Deadline).where(
        Deadline.met_at.is_(None), Deadline.closed_at.is_(None)))
    assert open_rows == 0
