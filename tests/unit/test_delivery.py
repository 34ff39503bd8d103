"""E: "a notice is stored in the app first and delivered to each outside channel once, retried when
a gateway fails, held during quiet hours unless urgent" — against a real local WeCom stand-in."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.unit.test_deadlines import sh
from wuye.database import transaction
from wuye.extensions import db
from wuye.models import Delivery, DeliveryAttempt, DeliveryPreference, DeliveryState, Notification
from wuye.services import Actor, DomainError
from wuye.services import delivery
from wuye.services.delivery import worker
from wuye.services.notifications import notify

S = DeliveryState


@pytest.fixture
def tech(org, wecom):
    with transaction():
        for name, wid in (("technician", "zhang.wei"), ("technician2", "li.zhiqiang"), ("clerk", "desk.wang")):
            db.session.merge(org.users[name]).wecom_userid = wid
    return db.session.merge(org.users["technician"])


def rows() -> list[Delivery]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Delivery).order_by(Delivery.id)))


def attempts(d: Delivery) -> list[str]:
    return list(db.session.scalars(db.select(DeliveryAttempt.outcome).where(DeliveryAttempt.delivery_id == d.id)
                                   .order_by(DeliveryAttempt.id)))


def test_a_dispatch_queues_one_wecom_delivery_for_the_technician_in_its_own_transaction(tech, make_order, clock):
    order = make_order(urgency="emergency", technician=tech)
    [d] = rows()
    assert (d.channel, d.recipient, d.state, d.urgent) == ("wecom", "zhang.wei", S.PENDING, True)
    assert d.notification.kind == "repair_dispatched" and d.notification.params["number"] == order.number


def test_a_change_that_rolls_back_queues_nothing(tech, clock):
    with pytest.raises(RuntimeError), transaction():
        notify(tech, "repair_dispatched", number="BX-1", unit="3栋", urgency="normal")
        raise RuntimeError("the change failed")
    assert rows() == [] and db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 0


def test_the_worker_sends_the_emergency_to_wecom_once_and_records_the_message_id(tech, make_order, clock, wecom):
    order = make_order(urgency="emergency", technician=tech)
    report = worker.run(at=clock())
    assert (report.claimed, report.delivered) == (1, 1)
    [sent] = wecom.sent
    assert sent["touser"] == "zhang.wei" and sent["agentid"] == 1000002 and sent["msgtype"] == "text"
    assert order.number in sent["text"]["content"] and "紧急" in sent["text"]["content"]
    [d] = rows()
    assert (d.state, d.gateway_id, d.attempts) == (S.DELIVERED, sent["msgid"], 1)
    assert attempts(d) == ["delivered"]
    # a delivered row is never sent again
    clock.advance(hours=1)
    assert worker.run(at=clock()).claimed == 0 and len(wecom.sent) == 1
    assert wecom.token_calls == 1  # the token is kept


def test_gateway_errors_are_retried_with_exponential_backoff_then_delivered(tech, make_order, clock, wecom):
    make_order(urgency="emergency", technician=tech)
    wecom.script = [503, {"errcode": -1, "errmsg": "system busy"}, ("sleep", 1.5)]  # 5xx, busy, a timeout
    at = clock()
    assert worker.run(at=at).retried == 1
    [d] = rows()
    assert d.state == S.PENDING and d.next_at == at + timedelta(seconds=30) and "503" in d.last_error
    assert worker.run(at=at + timedelta(seconds=29)).claimed == 0  # not before its time
    worker.run(at=at + timedelta(seconds=30))
    [d] = rows()
    assert d.next_at == at + timedelta(seconds=90) and "-1" in d.last_error  # then 60 s later
    worker.run(at=at + timedelta(seconds=90))
    [d] = rows()
    assert d.next_at == at + timedelta(seconds=210) and "network" in d.last_error  # the timeout, 120 s later
    worker.run(at=at + timedelta(seconds=210))
    [d] = rows()
    assert d.state == S.DELIVERED and attempts(d) == ["retry", "retry", "retry", "delivered"]
    assert len(wecom.sent) == 1


def test_an_expired_token_is_fetched_again_and_the_message_goes_at_once(tech, make_order, clock, wecom):
    make_order(urgency="emergency", technician=tech)
    worker.run(at=clock())
    make_order(urgency="emergency", technician=tech)
    wecom.token = "TOKEN-2"  # WeCom expired ours
    assert worker.run(at=clock()).delivered == 1
    assert wecom.token_calls == 2 and len(wecom.sent) == 2


def test_a_permanent_refusal_stops_at_once_and_an_admin_may_send_it_again(tech, make_order, clock, wecom, org):
    make_order(urgency="emergency", technician=tech)
    wecom.script = [{"errcode": 81013, "errmsg": "user & party & tag all invalid"}]
    assert worker.run(at=clock()).failed == 1
    [d] = rows()
    assert d.state == S.FAILED and "81013" in d.last_error and attempts(d) == ["failed"]
    assert worker.run(at=clock() + timedelta(days=1)).claimed == 0
    assert delivery.backlog()["failed"] == 1
    admin = Actor(db.session.merge(org.users["admin"]), "127.0.0.1")
    delivery.retry(admin, d.id, at=clock())
    assert worker.run(at=clock()).delivered == 1 and len(wecom.sent) == 1
    with pytest.raises(DomainError):
        delivery.retry(admin, d.id)  # delivered: never again


def test_retries_stop_after_the_last_attempt_with_the_reason(tech, make_order, clock, wecom, app):
    app.config["WUYE_DELIVERY_MAX_ATTEMPTS"] = 2
    make_order(urgency="emergency", technician=tech)
    wecom.script = [500, 500]
    worker.run(at=clock())
    worker.run(at=clock() + timedelta(minutes=1))
    [d] = rows()
    assert d.state == S.FAILED and "HTTP 500" in d.last_error and attempts(d) == ["retry", "failed"]


def test_a_claim_that_ran_out_is_sent_again_and_counted_as_a_possible_repeat(tech, make_order, clock, wecom, app):
    make_order(urgency="emergency", technician=tech)
    # a worker claimed it and died before recording the gateway's answer
    assert worker.claim(10, clock()) != []
    assert worker.run(at=clock() + timedelta(seconds=10)).claimed == 0  # still leased
    report = worker.run(at=clock() + timedelta(seconds=app.config["WUYE_DELIVERY_LEASE"] + 1))
    assert (report.reclaimed, report.delivered) == (1, 1)
    [d] = rows()
    assert d.possible_repeats == 1 and attempts(d) == ["lost", "delivered"]
    assert delivery.backlog()["possible_repeats"] == 1


def test_quiet_hours_hold_a_normal_notice_until_morning_and_let_an_emergency_through(tech, make_order, clock, wecom):
    clock.set(sh("23:10"))
    make_order(technician=tech)  # a normal job with an appointment tomorrow
    make_order(urgency="emergency", technician=tech)
    normal, emergency = rows()
    assert emergency.next_at == sh("23:10") and emergency.urgent
    assert normal.next_at == sh("07:00") + timedelta(days=1)
    assert worker.run(at=clock()).delivered == 1 and len(wecom.sent) == 1
    assert worker.run(at=sh("06:59") + timedelta(days=1)).claimed == 0
    assert worker.run(at=sh("07:00") + timedelta(days=1)).delivered == 1


def test_a_user_who_turned_a_kind_off_gets_no_delivery_for_it(tech, make_order, clock):
    with transaction():
        db.session.add(DeliveryPreference(user_id=tech.id, kind="repair_dispatched", channel="wecom", enabled=False))
    make_order(technician=tech)
    assert rows() == []
    make_order(urgency="emergency", technician=tech)  # its own kind: still on
    assert len(rows()) == 1


def test_a_user_without_a_wecom_id_gets_no_wecom_delivery(org, wecom, make_order, clock):
    make_order(urgency="emergency", technician=org.users["technician"])
    assert rows() == []
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 1  # the in-app record stays


def test_backlog_counts_what_waits_and_how_late_it_is(tech, make_order, clock):
    make_order(urgency="emergency", technician=tech)
    clock.advance(minutes=2)
    b = delivery.backlog()
    assert (b["pending"], b["due"], b["oldest_due_seconds"], b["failed"]) == (1, 1, 120.0, 0)


@pytest.mark.slow
def test_two_workers_claiming_at_once_send_each_delivery_exactly_once(tech, org, clock, wecom, app, instance_path):
    from collections import Counter

    from tests.fixtures.processes import run_together
    people = [tech, db.session.merge(org.users["technician2"]), db.session.merge(org.users["clerk"])]
    with transaction():
        for i in range(300):
            notify(people[i % 3], "repair_dispatched", number=f"BX-20261127-{i:04d}", unit="3栋2单元1201",
                   urgency="emergency")
    ids = db.session.scalars(db.select(Delivery.id).order_by(Delivery.id)).all()
    assert len(ids) == 300
    db.session.remove()
    results = run_together("tests.unit.delivery_worker", instance_path,
                           [app.config["SQLALCHEMY_DATABASE_URI"], wecom.url, 5], 2, 120)
    assert [r["errors"] for r in results] == [[], []]
    assert max(r["began"] for r in results) < min(r["ended"] for r in results), "the workers did not overlap"
    assert all(r["sent"] for r in results), "one worker did all the work: they did not claim at once"
    recorded = Counter(i for r in results for i in r["sent"])
    assert set(recorded) == set(ids) and set(recorded.values()) == {1}
    # what the gateway received: each notice once
    received = Counter((m["touser"], m["text"]["content"].split("\n")[0]) for m in wecom.sent)
    assert len(received) == 300 and set(received.values()) == {1}
    assert {d.state for d in rows()} == {S.DELIVERED}
