"""A2 and C: the repair deadlines, their warning, breach and escalation chain, with a set clock."""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from wuye.database import transaction
from wuye.extensions import db
from wuye.models import AuditEvent, Deadline, DeadlineNotice, Notification, RepairOrder
from wuye.services import Actor, DomainError
from wuye.services.deadlines import table as deadlines
from wuye.services.repairs import intake as repairs
from wuye.services.deadlines.tick import tick


def sh(hhmm: str, day: int = 27) -> datetime:
    """A time of 2026-11-<day> in Shanghai, as aware UTC."""
    h, m = (int(x) for x in hhmm.split(":")[:2])
    s = int(hhmm.split(":")[2]) if hhmm.count(":") == 2 else 0
    return datetime(2026, 11, day, h, m, s, tzinfo=UTC) - timedelta(hours=8)


def the_deadline(order, kind=None) -> Deadline:
    stmt = db.select(Deadline).where(Deadline.subject_id == order.id)
    if kind:
        stmt = stmt.where(Deadline.kind == kind)
    db.session.expire_all()
    return db.session.scalars(stmt).one()


def notices(order) -> list[tuple[int, str]]:
    return [(n.level, n.kind) for n in db.session.scalars(
        db.select(DeadlineNotice).join(Deadline).where(Deadline.subject_id == order.id)
        .order_by(DeadlineNotice.level))]


def told(kind: str) -> list[str]:
    """Usernames notified of this kind, in order."""
    from wuye.models import User
    return [u for u, in db.session.execute(
        db.select(User.username).join(Notification, Notification.user_id == User.id)
        .where(Notification.kind == kind).order_by(Notification.id))]


def arrive(order, at):
    with transaction():
        return deadlines.meet(db.session.get(RepairOrder, order.id), "arrived", at)


@pytest.fixture
def emergency_at_1445(org, make_order, clock):
    """An emergency call at 14:45, dispatched at once by the clerk to the technician."""
    clock.set(sh("14:45"))
    return make_order(urgency="emergency", technician=org.users["technician"])


# ---- the table -----------------------------------------------------------------------------

def test_every_deadline_is_a_row_of_the_one_table():
    repair_rules = [r.name for r in deadlines.RULES if r.subject == "repair_order"]
    assert repair_rules == ["preparation", "emergency_arrival", "appointment_arrival", "revisit_arrival"]
    assert deadlines.TABLE["preparation"].length == timedelta(minutes=10)
    assert deadlines.TABLE["emergency_arrival"].length == timedelta(minutes=15)
    assert len(deadlines.TABLE) == len(deadlines.RULES)  # one row per name
    for rule in deadlines.RULES:
        first = ("assignee", "dispatcher") + (("registrar",) if rule.subject != "repair_order" else ())
        assert rule.starts and rule.meets and rule.chain[0].to == first  # a complaint's: CS, its first owner
        assert [link.to for link in rule.chain[1:]] == [("cs_supervisor",), ("project_manager",)]


def test_emergency_arrival_is_due_15_minutes_after_the_call(org, emergency_at_1445):
    d = the_deadline(emergency_at_1445)
    assert (d.kind, d.started_at, d.due_at) == ("emergency_arrival", sh("14:45"), sh("15:00"))
    assert d.warn_at == sh("14:57")  # 80% of the length
    assert d.responsible_id == org.users["technician"].id


def test_emergency_arrival_counts_from_the_time_the_clerk_recorded(org, make_order, clock):
    clock.set(sh("14:50"))
    order = make_order(urgency="emergency", called_at=sh("14:41"))
    assert the_deadline(order).due_at == sh("14:56")


def test_emergency_arrival_at_14_59_meets_it(org, emergency_at_1445):
    assert [d.kind for d in arrive(emergency_at_1445, sh("14:59"))] == ["emergency_arrival"]
    report = tick(sh("15:01"))
    d = the_deadline(emergency_at_1445)
    assert (d.met_at, d.breached_at, d.met_late) == (sh("14:59"), None, False)
    assert report.breached == 0 and notices(emergency_at_1445) == []


def test_emergency_arrival_breaches_after_15_minutes(org, emergency_at_1445):
    assert tick(sh("15:00")).breached == 0  # exactly 15 minutes is still on time (it warns, though)
    assert tick(sh("15:01")).breached == 1
    d = the_deadline(emergency_at_1445)
    assert d.breached_at == sh("15:01") and d.escalation_level == 1
    assert notices(emergency_at_1445) == [(0, "warn"), (1, "breach")]
    # first link: the technician and the clerk who dispatched
    assert told("deadline_breach") == ["technician", "clerk"]
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "deadline_breach").order_by(AuditEvent.id)).all()
    assert [(e.subject_id, e.actor_label, e.changes["deadline"]) for e in events] == [
        (emergency_at_1445.id, "system", "emergency_arrival")]


def test_an_arrival_at_15_01_is_met_late_and_stops_the_escalation(org, emergency_at_1445):
    tick(sh("15:01"))
    arrive(emergency_at_1445, sh("15:01"))
    d = the_deadline(emergency_at_1445)
    assert d.met_late and d.breached_at is not None and d.next_escalation_at is None
    assert tick(sh("16:00")).escalated == 0
    assert notices(emergency_at_1445) == [(1, "breach")]


def test_a_second_tick_at_the_same_time_does_nothing(org, emergency_at_1445):
    assert tick(sh("15:01")).breached == 1
    again = tick(sh("15:01"))
    assert (again.breached, again.warned, again.escalated, again.lost) == (0, 0, 0, 0)
    assert len(told("deadline_breach")) == 2


# ---- the warning ---------------------------------------------------------------------------

def test_a_single_warning_goes_out_at_80_percent_of_the_length(org, emergency_at_1445):
    assert tick(sh("14:56:59")).warned == 0
    assert tick(sh("14:57")).warned == 1
    assert tick(sh("14:58")).warned == 0
    assert tick(sh("14:59:59")).warned == 0
    assert notices(emergency_at_1445) == [(0, "warn")]
    assert told("deadline_warn") == ["technician", "clerk"]
    assert the_deadline(emergency_at_1445).warned_at == sh("14:57")


def test_no_warning_is_sent_once_the_deadline_has_passed(org, emergency_at_1445):
    report = tick(sh("15:05"))  # the watcher was down through the warning time
    assert (report.warned, report.breached) == (0, 1)
    assert notices(emergency_at_1445) == [(1, "breach")]


def test_a_deadline_met_before_its_warning_sends_none(org, emergency_at_1445):
    arrive(emergency_at_1445, sh("14:52"))
    assert tick(sh("14:58")).warned == 0


# ---- the escalation chain ------------------------------------------------------------------

def test_each_level_of_the_chain_is_reached_after_its_further_delay(org, emergency_at_1445):
    # emergency chain: at the breach the technician and dispatcher, +10 min the CS supervisor,
    # +20 min more the project manager
    tick(sh("15:01"))
    assert tick(sh("15:09:59")).escalated == 0
    assert tick(sh("15:10")).escalated == 1
    assert told("deadline_escalate") == ["cs_supervisor"]
    assert tick(sh("15:29:59")).escalated == 0
    assert tick(sh("15:30")).escalated == 1
    assert told("deadline_escalate") == ["cs_supervisor", "project_manager"]
    assert tick(sh("18:00")).escalated == 0  # the chain has ended
    assert notices(emergency_at_1445) == [(1, "breach"), (2, "escalate"), (3, "escalate")]
    d = the_deadline(emergency_at_1445)
    assert d.escalation_level == 3 and d.next_escalation_at is None
    assert deadlines.reached(d) == ("project_manager",)


def test_the_normal_chain_waits_15_then_30_minutes(org, make_order, clock):
    clock.set(sh("14:00"))
    order = make_order(technician=org.users["technician"])  # appointment 16:00–18:00
    tick(sh("16:01"))
    assert tick(sh("16:14")).escalated == 0
    assert tick(sh("16:15")).escalated == 1
    assert tick(sh("16:44")).escalated == 0
    assert tick(sh("16:45")).escalated == 1
    assert notices(order) == [(1, "breach"), (2, "escalate"), (3, "escalate")]


def test_a_job_not_yet_dispatched_is_escalated_to_the_clerk_who_took_the_call(org, make_order, clock):
    clock.set(sh("14:45"))
    order = make_order(urgency="emergency")
    tick(sh("15:01"))
    assert told("deadline_breach") == ["clerk"]
    assert the_deadline(order).responsible_id is None


def test_a_reassigned_job_is_escalated_to_the_new_technician(org, emergency_at_1445):
    repairs.reassign(Actor(org.users["clerk"], "10.0.0.1"), emergency_at_1445, org.users["technician2"].id,
                     "张师傅在另一单")
    assert the_deadline(emergency_at_1445).responsible_id == org.users["technician2"].id
    tick(sh("15:01"))
    assert told("deadline_breach") == ["technician2", "clerk"]


def test_a_dispatch_after_intake_makes_the_technician_responsible(org, make_order, clock):
    clock.set(sh("14:45"))
    order = make_order(urgency="emergency")
    repairs.dispatch(Actor(org.users["clerk"], "10.0.0.1"), order, org.users["technician"].id)
    assert the_deadline(order).responsible_id == org.users["technician"].id


def test_an_escalation_reaches_only_active_users_of_the_same_project(org, emergency_at_1445):
    from wuye.services import orgs
    orgs.add_user(Actor(None, "cli"), "p2_super", "cs_supervisor", "P2", "pass-word-1")
    orgs.set_active(Actor(None, "cli"), org.users["project_manager"], False)
    tick(sh("16:00"))
    assert told("deadline_escalate") == ["cs_supervisor"]
    assert notices(emergency_at_1445)[-1] == (3, "escalate")  # recorded even with nobody left to tell


# ---- closing without breach ----------------------------------------------------------------

def test_cancelling_the_order_closes_its_deadline_without_breach(org, emergency_at_1445, clock):
    clock.set(sh("14:50"))
    repairs.cancel(Actor(org.users["clerk"], "10.0.0.1"), emergency_at_1445, "业主自己修好了")
    report = tick(sh("15:30"))
    d = the_deadline(emergency_at_1445)
    assert (d.closed_at, d.breached_at, d.met_at) == (sh("14:50"), None, None)
    assert (report.breached, report.warned) == (0, 0) and notices(emergency_at_1445) == []


def test_cancelling_after_a_breach_keeps_the_breach_and_ends_the_escalation(org, emergency_at_1445, clock):
    tick(sh("15:01"))
    clock.set(sh("15:05"))
    repairs.cancel(Actor(org.users["clerk"], "10.0.0.1"), emergency_at_1445, "业主取消")
    assert tick(sh("16:00")).escalated == 0
    d = the_deadline(emergency_at_1445)
    assert d.breached_at is not None and d.closed_at == sh("15:05")
    assert deadlines.open_breaches(org.p1.id) == []


# ---- catch-up and robustness ---------------------------------------------------------------

def test_breaches_that_fell_due_during_downtime_are_caught_up_on_the_first_tick(org, make_order, clock):
    orders = []
    for called in ("14:30", "14:40", "14:45"):
        clock.set(sh(called))
        orders.append(make_order(urgency="emergency", technician=org.users["technician"]))
    report = tick(sh("16:30"))  # the app was down from 14:46 to 16:30
    assert (report.breached, report.escalated, report.warned) == (3, 6, 0)
    for order in orders:
        assert notices(order) == [(1, "breach"), (2, "escalate"), (3, "escalate")]
    again = tick(sh("16:31"))
    assert (again.breached, again.escalated) == (0, 0)


def test_catch_up_reaches_only_the_levels_whose_time_has_come(org, emergency_at_1445):
    report = tick(sh("15:20"))  # breach 15:00, supervisor 15:10, manager not before 15:30
    assert (report.breached, report.escalated) == (1, 1)
    assert the_deadline(emergency_at_1445).next_escalation_at == sh("15:30")


def test_a_row_that_fails_is_logged_and_the_tick_goes_on(org, make_order, clock, monkeypatch, caplog):
    clock.set(sh("14:45"))
    first = make_order(urgency="emergency", technician=org.users["technician"])
    second = make_order(urgency="emergency", technician=org.users["technician2"])
    from wuye.services.deadlines import tick as deadline_tick
    real = deadline_tick._recipients

    def broken(d, link, subject):
        if subject.id == first.id:
            raise RuntimeError("SMS gateway table is gone")
        return real(d, link, subject)

    monkeypatch.setattr(deadline_tick, "_recipients", broken)
    with caplog.at_level(logging.INFO):
        report = tick(sh("15:01"))
    assert (report.breached, report.failed) == (1, 1)
    assert "RuntimeError: SMS gateway table is gone" in caplog.text
    assert the_deadline(first).breached_at is None  # rolled back to its savepoint, tried again next tick
    assert the_deadline(second).breached_at == sh("15:01")
    # the delivery outbox holds the committed notices and nothing of the failed row
    from wuye.models import Delivery
    queued = [(d.recipient, d.notification.kind, d.notification.params["number"]) for d in
              db.session.scalars(db.select(Delivery).join(Delivery.notification)
                                 .where(Notification.kind == "deadline_breach").order_by(Delivery.id))]
    assert queued == [("technician2", "deadline_breach", second.number), ("clerk", "deadline_breach", second.number)]
    monkeypatch.undo()
    assert tick(sh("15:02")).breached == 1
    assert notices(first) == [(1, "breach")]


def test_a_notice_already_recorded_is_never_sent_twice(org, emergency_at_1445, caplog):
    d = the_deadline(emergency_at_1445)
    db.session.add(DeadlineNotice(deadline_id=d.id, level=1, kind="breach", created_at=sh("15:01")))
    db.session.commit()
    report = tick(sh("15:01"))
    assert (report.breached, report.lost) == (0, 1)
    assert told("deadline_breach") == [] and "already recorded" in caplog.text
    assert the_deadline(emergency_at_1445).breached_at is None


# ---- meeting, and the other rules ---------------------------------------------------------

def test_an_offline_arrival_synced_after_the_breach_withdraws_it(org, emergency_at_1445):
    tick(sh("15:01"))
    arrive(emergency_at_1445, sh("14:58"))  # the phone's time, synced from the basement at 15:03
    d = the_deadline(emergency_at_1445)
    assert (d.met_at, d.breached_at, d.met_late) == (sh("14:58"), None, False)
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.like("deadline%")).order_by(AuditEvent.id)).all()
    assert actions == ["deadline_breach", "deadline_breach_withdrawn"]


def test_preparation_is_due_10_minutes_after_the_technician_accepts(org, emergency_at_1445):
    order = db.session.get(RepairOrder, emergency_at_1445.id)
    with transaction():
        prep = deadlines.open_deadline(order, "preparation", sh("14:47"))
    assert (prep.due_at, prep.warn_at) == (sh("14:57"), sh("14:55"))
    assert prep.responsible_id == org.users["technician"].id  # the order's technician, by default
    with transaction():
        met = deadlines.meet(order, "prepared", sh("14:53"))
    assert [d.kind for d in met] == ["preparation"]  # the arrival is still running
    assert the_deadline(order, "emergency_arrival").met_at is None


def test_appointment_arrival_is_due_at_the_start_of_the_agreed_window(org, make_order, clock):
    clock.set(sh("14:00"))
    order = make_order(technician=org.users["technician"])  # window 16:00–18:00
    d = the_deadline(order)
    assert (d.kind, d.due_at, d.warn_at) == ("appointment_arrival", sh("16:00"), sh("15:30"))
    assert tick(sh("16:00")).breached == 0
    assert tick(sh("16:00:01")).breached == 1


def test_a_follow_up_visit_gets_its_own_arrival_deadline(org, make_order, clock):
    clock.set(sh("14:00"))
    order = make_order(technician=org.users["technician"])
    arrive(order, sh("15:55"))
    order = db.session.get(RepairOrder, order.id)
    with transaction():  # 约好下次维修时间: tomorrow at 10:00
        deadlines.open_deadline(order, "revisit_arrival", sh("16:40"), booked_at=sh("10:00", day=28),
                                responsible_id=order.technician_id)
    d = the_deadline(order, "revisit_arrival")
    assert (d.due_at, d.warn_at) == (sh("10:00", day=28), sh("09:30", day=28))
    assert [m.kind for m in arrive(order, sh("09:58", day=28))] == ["revisit_arrival"]


def test_a_rebooked_visit_replaces_the_old_deadline_without_breach(org, make_order, clock):
    clock.set(sh("14:00"))
    order = db.session.get(RepairOrder, make_order().id)
    with transaction():
        deadlines.open_deadline(order, "appointment_arrival", sh("14:10"), booked_at=sh("17:00"))
    rows = deadlines.for_subject(order)
    assert [(d.due_at, d.closed_at is not None) for d in rows] == [(sh("16:00"), True), (sh("17:00"), False)]


def test_a_project_may_set_its_own_lengths_and_delays(org, make_order, clock):
    cli = Actor(None, "cli")
    deadlines.set_policy(cli, org.p1, "emergency_arrival", minutes=20, warn_percent=50, escalation_minutes=[5, 5])
    deadlines.set_policy(cli, org.p1, "appointment_arrival", minutes=10, warn_minutes=60)
    clock.set(sh("14:45"))
    order = make_order(urgency="emergency", technician=org.users["technician"])
    d = the_deadline(order)
    assert (d.due_at, d.warn_at) == (sh("15:05"), sh("14:55"))
    tick(sh("15:06"))
    assert the_deadline(order).next_escalation_at == sh("15:10")
    normal = make_order()  # appointment 16:45, ten minutes' grace
    assert (the_deadline(normal).due_at, the_deadline(normal).warn_at) == (sh("16:55"), sh("15:55"))
    other = make_order(urgency="emergency", unit=org.other_unit, project=org.p2)
    assert the_deadline(other).due_at == sh("15:00")  # P2 keeps the default


def test_a_policy_is_checked_before_it_is_kept(org):
    cli = Actor(None, "cli")
    with pytest.raises(DomainError):
        deadlines.set_policy(cli, org.p1, "no_such_deadline", minutes=5)
    with pytest.raises(DomainError):
        deadlines.set_policy(cli, org.p1, "emergency_arrival", escalation_minutes=[5])
    with pytest.raises(DomainError):
        deadlines.set_policy(cli, org.p1, "emergency_arrival", warn_percent=120)


def test_the_badge_is_green_then_amber_then_red(org, emergency_at_1445):
    d = the_deadline(emergency_at_1445)
    assert deadlines.badge(d, sh("14:50")).tone == "ok"
    assert deadlines.badge(d, sh("14:57")).tone == "warn"
    assert deadlines.badge(d, sh("15:00")).tone == "warn"
    late = deadlines.badge(d, sh("15:07"))
    assert (late.tone, late.overdue) == ("late", timedelta(minutes=7))
    arrive(emergency_at_1445, sh("14:59"))
    assert deadlines.badge(the_deadline(emergency_at_1445), sh("15:07")) is None
