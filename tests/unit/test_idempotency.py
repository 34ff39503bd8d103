"""An offline action reaches the server exactly once, however often it is replayed."""
from __future__ import annotations

import threading

import pytest

from wuye.extensions import db
from wuye.models import AuditEvent, RepairOrder
from wuye.models.offline import IdempotencyRecord, RefusedAction
from wuye.services import idempotency
from wuye.services.repairs import technician as svc

KEY = "6f1d2c1e-8a3b-4c55-9d7e-1234567890ab"


@pytest.fixture
def job(org, make_order, clock):
    return make_order(technician=org.users["technician"])


def accept(b, job, key=KEY, **extra):
    number = job if isinstance(job, str) else job.number
    return b.post(f"/tech/jobs/{number}/accept", {"s-happened_at": "", **extra},
                  headers={"Idempotency-Key": key}, htmx=True)


def events(job, action):
    return db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.subject_id == job.id, AuditEvent.subject_type == "repair_order", AuditEvent.action == action))


def test_a_repeated_key_returns_the_stored_answer_and_acts_once(job, as_role):
    b = as_role("technician")
    first, second = accept(b, job), accept(b, job)
    assert first.status_code == second.status_code == 204
    assert first.headers["HX-Redirect"] == second.headers["HX-Redirect"]
    assert events(job, "accept") == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(IdempotencyRecord)) == 1


def test_the_same_key_with_a_different_request_answers_422(job, as_role):
    b = as_role("technician")
    assert accept(b, job).status_code == 204
    r = b.post(f"/tech/jobs/{job.number}/tick", {"tick-item": "badge", "tick-checked": "y"},
               headers={"Idempotency-Key": KEY}, htmx=True)
    assert r.status_code == 422
    assert events(job, "check") == 0


def test_a_repeat_while_the_first_is_still_running_answers_409(job, as_role, monkeypatch):
    started, release = threading.Event(), threading.Event()
    real_accept = svc.accept

    def slow_accept(step):
        started.set()
        assert release.wait(10)
        return real_accept(step)

    monkeypatch.setattr(svc, "accept", slow_accept)
    b1, b2 = as_role("technician"), as_role("technician")
    results, number = {}, job.number
    db.session.commit()
    t = threading.Thread(target=lambda: results.setdefault("first", accept(b1, number)))
    t.start()
    assert started.wait(10)
    second = accept(b2, number)
    release.set()
    t.join(10)
    assert second.status_code == 409 and second.headers["Retry-After"]
    assert results["first"].status_code == 204
    assert events(job, "accept") == 1


def test_a_copy_that_loses_the_race_rolls_back_its_effect(job, as_role, monkeypatch):
    """Two processes that both found no record: the second fails on UNIQUE(user, key) at commit,
    its effect is rolled back and it answers with the first one's record."""
    b = as_role("technician")
    first = b.post(f"/tech/jobs/{job.number}/note", {"note-text": "第一次"}, headers={"Idempotency-Key": KEY}, htmx=True)
    # the second copy does not see the first one's record until its commit runs into it
    real_lookup, calls = idempotency.lookup, []

    def blind_first(user_id, key):
        calls.append(key)
        return None if len(calls) == 1 else real_lookup(user_id, key)

    monkeypatch.setattr(idempotency, "lookup", blind_first)
    monkeypatch.setattr(idempotency, "on_transaction_begin", lambda: None)
    second = b.post(f"/tech/jobs/{job.number}/note", {"note-text": "第一次"}, headers={"Idempotency-Key": KEY}, htmx=True)
    assert first.status_code == 204 and second.status_code == 204
    assert len(calls) == 2  # the pre-check, then the lookup after the UNIQUE violation
    assert events(job, "note") == 1


def test_a_refused_offline_action_is_kept_for_the_desk(org, job, as_role, clock):
    from wuye.services import Actor
    from wuye.services.repairs import intake as repairs
    repairs.reassign(Actor(org.users["clerk"], "x"), db.session.get(RepairOrder, job.id),
                     org.users["technician2"].id, "张师傅请假")
    b = as_role("technician")
    r = accept(b, job)
    assert r.status_code == 409
    assert "改派" in r.get_data(as_text=True) or "reassigned" in r.get_data(as_text=True)
    accept(b, job)  # replayed: still one record
    refused = db.session.scalars(db.select(RefusedAction).order_by(RefusedAction.id)).all()
    assert len(refused) == 1 and refused[0].order_id == job.id and refused[0].action == "accept"
    page = as_role("clerk").get(f"/desk/repairs/{job.number}").get_data(as_text=True)
    assert refused[0].message in page


def test_a_malformed_key_is_refused(job, as_role):
    assert accept(as_role("technician"), job, key="x").status_code == 400
