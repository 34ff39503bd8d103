"""The technician view without signal: everything works offline and reaches the server exactly once."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from wuye.extensions import db
from wuye.models import AuditEvent, RepairOrder
from wuye.models.job import Payment, Quote, SheetRevision, Signature
from wuye.models.offline import IdempotencyRecord, RefusedAction

from .test_technician_job import sign

pytestmark = pytest.mark.e2e

STEPS = ["check", "depart", "arrive", "at_door", "consent", "note", "finish", "sign_acceptance", "pay"]


@pytest.fixture
def phone(tech_phone):
    context, page = tech_phone
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    return context, page


def fresh():
    db.session.rollback()  # end the test's read snapshot: the live server wrote since


def counts(order_id):
    fresh()
    rows = db.session.execute(db.select(AuditEvent.action, db.func.count()).where(
        AuditEvent.subject_type == "repair_order", AuditEvent.subject_id == order_id).group_by(AuditEvent.action)).all()
    return dict(rows)


def pending(page) -> int:
    return page.evaluate("window.wuyeOutbox.all('outbox').then(items => items.length)")


def wait_synced(page, answered: int = 0):
    """Until the outbox is empty, no replay runs, and at least `answered` items got the server's
    answer since the page loaded (so a click whose item is not stored yet cannot pass for synced)."""
    page.wait_for_function(
        "n => window.wuyeOutbox && window.wuyeOutbox.pending === 0 && !window.wuyeOutbox.replaying"
        " && window.wuyeOutbox.done >= n", arg=answered, timeout=20000)


def wait_until(page, condition: str, arg=None, timeout: int = 15000):
    """Until the JS `condition` — a function of `arg` that returns a promise (the caches, IndexedDB)
    — resolves to something truthy; polled inside the page. Not wait_for_function: given a promise it
    takes the promise itself for the truthy answer and returns at once, whatever it resolves to."""
    page.evaluate(f"""async ([arg, timeout, what]) => {{
        const holds = {condition}, end = Date.now() + timeout;
        while (!(await holds(arg))) {{
          if (Date.now() > end) throw new Error("timed out after " + timeout + " ms waiting for " + what);
          await new Promise(resolve => setTimeout(resolve, 50));
        }}
      }}""", [arg, timeout, condition])


def open_job(page, number):
    page.goto("/tech/")
    page.goto(f"/tech/jobs/{number}")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def work_offline_to_payment(page):
    for label in ("我已详细了解工作内容", "工作服统一整洁", "已佩戴胸牌", "已带抹布和脚套", "维修工具和常用备件齐全"):
        page.get_by_role("checkbox", name=label).click()
        expect(page.get_by_role("checkbox", name=label)).to_have_attribute("aria-checked", "true")
    page.get_by_role("button", name="出发").click()
    page.get_by_role("button", name="我已到达门口").click()
    page.get_by_label("脚套").check()
    page.get_by_role("button", name="保存").click()
    page.get_by_label("工时").fill("1.5")
    page.locator("#q-item-0").select_option(label="水龙头 · ¥45.00/个")
    expect(page.locator(".fee-total")).to_have_text("¥120.00")
    sign(page)
    page.get_by_role("button", name="客户同意并签字").click()
    page.get_by_label("备注").fill("地下室无信号，离线完成")
    page.get_by_role("button", name="添加备注").click()
    page.get_by_role("button", name="完工，请客户验收").click()
    page.get_by_label("已向客户示范使用功能").check()
    sign(page)
    page.get_by_role("button", name="客户验收签字").click()
    expect(page.get_by_label("金额（¥）")).to_have_value("120.00")
    page.get_by_label("现金").check()
    page.get_by_label("收据号").fill("R-OFF-1")
    page.get_by_role("button", name="确认收款").click()
    expect(page.get_by_role("heading", name="已完成")).to_be_visible()


def test_a_whole_job_done_offline_reaches_the_server_exactly_once_with_the_phones_times(
        org, make_order, phone, shot):
    context, page = phone
    order = make_order(technician=org.users["technician"])
    open_job(page, order.number)
    page.get_by_role("button", name="接单").click()
    wait_synced(page, answered=1)
    expect(page.get_by_role("checkbox", name="已佩戴胸牌")).to_be_visible()

    context.set_offline(True)
    started_offline = datetime.now(UTC)
    work_offline_to_payment(page)
    expect(page.locator("#sync .offline-banner")).to_be_visible()
    assert pending(page) == 13  # 5 ticks and 8 steps, all on the phone
    shot(page, "offline-1-completed-pending", full_page=False)
    assert counts(order.id).get("pay") is None  # nothing reached the server

    # reload without signal: the page comes from the service worker, the pending work is still there
    response = page.reload()
    assert response.from_service_worker
    expect(page.get_by_role("heading", name="已完成")).to_be_visible()
    expect(page.locator("#sync .outbox")).to_contain_text("13")
    shot(page, "offline-2-reloaded", full_page=False)
    page.evaluate("window.wuyeOutbox.all('outbox').then(items => { window.__copy = items; })")

    went_online = datetime.now(UTC)
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_synced(page, answered=13)
    expect(page.locator("#sync .outbox")).to_be_visible()  # it stays: the page does not jump back up
    expect(page.locator("#sync .outbox")).to_contain_text("(0)")
    shot(page, "offline-3-synced", full_page=False)

    seen = counts(order.id)
    assert seen["check"] == 5 and all(seen[s] == 1 for s in STEPS[1:]), seen
    fresh()
    done = db.session.get(RepairOrder, order.id)
    assert done.state == "completed"
    assert db.session.scalar(db.select(Payment).where(Payment.order_id == order.id)).amount_fen == 12000
    assert db.session.scalar(db.select(db.func.count()).select_from(Signature)) == 2
    # the times are the phone's: every step happened before the signal came back
    for e in db.session.scalars(db.select(AuditEvent).where(AuditEvent.subject_id == order.id,
                                                            AuditEvent.action.in_(STEPS))):
        assert started_offline - timedelta(seconds=5) <= e.at <= went_online, (e.action, e.at)

    # replay the same outbox again: the server answers from its records, nothing doubles
    page.evaluate("Promise.all(window.__copy.map(i => window.wuyeOutbox.put('outbox', i)))"
                  ".then(() => window.wuyeOutbox.replay())")
    wait_synced(page, answered=26)
    assert counts(order.id) == seen
    assert db.session.scalar(db.select(db.func.count()).select_from(IdempotencyRecord)) == 14
    assert db.session.scalar(db.select(db.func.count()).select_from(Quote)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(SheetRevision)) == 1


def test_closing_the_page_in_the_middle_of_a_replay_makes_no_duplicate(org, make_order, phone):
    context, page = phone
    order = make_order(technician=org.users["technician"])
    open_job(page, order.number)
    context.set_offline(True)
    page.get_by_role("button", name="接单").click()
    page.get_by_role("checkbox", name="已佩戴胸牌").click()
    assert pending(page) == 2

    # the first request reaches the server and commits, but its answer never reaches the page;
    # the page is closed while the replay waits, with both items still in its outbox
    reached = []

    def answer_lost(route):
        route.fetch()  # the server does the work and commits
        reached.append(route.request.url)
        route.abort("connectionreset")

    context.route(re.compile(r".*/tech/jobs/.*/accept$"), answer_lost)
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("() => window.wuyeOutbox !== undefined")
    for _ in range(50):
        if reached:
            break
        page.wait_for_timeout(100)
    assert reached and pending(page) == 2
    page.close()
    context.unroute(re.compile(r".*/tech/jobs/.*/accept$"))
    assert counts(order.id).get("accept") == 1

    again = context.new_page()
    again.goto(f"/tech/jobs/{order.number}")
    wait_synced(again, answered=2)
    seen = counts(order.id)
    refused = again.evaluate("window.wuyeOutbox.all('attention')")
    assert refused == []
    assert seen.get("accept") == 1 and seen.get("check") == 1


def test_a_job_reassigned_while_offline_is_refused_and_kept_in_needs_attention(org, make_order, phone, shot):
    from wuye.services import Actor
    from wuye.services.repairs import intake as repairs

    context, page = phone
    order = make_order(technician=org.users["technician"])
    open_job(page, order.number)
    page.get_by_role("button", name="接单").click()
    wait_synced(page, answered=1)
    context.set_offline(True)
    page.get_by_role("checkbox", name="已佩戴胸牌").click()
    fresh()
    repairs.reassign(Actor(org.users["clerk"], "10.0.0.9"), db.session.get(RepairOrder, order.id),
                     org.users["technician2"].id, "张师傅请假，改派李师傅")
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    attention = page.locator("#sync .attention")
    expect(attention).to_be_visible(timeout=15000)
    expect(attention).to_contain_text("改派")
    shot(page, "offline-reassigned-conflict", full_page=False)
    fresh()
    refused = db.session.scalars(db.select(RefusedAction).order_by(RefusedAction.id)).all()
    assert [r.action for r in refused] == ["tick"], [(r.action, r.message, r.received_at, r.happened_at) for r in refused]
    assert counts(order.id).get("check") is None


def test_an_action_time_in_the_future_is_refused(org, make_order, phone):
    context, page = phone
    order = make_order(technician=org.users["technician"])
    open_job(page, order.number)
    page.clock.install(time=datetime.now(UTC) + timedelta(hours=3))  # the phone's clock is wrong
    page.get_by_role("button", name="接单").click()
    attention = page.locator("#sync .attention")
    expect(attention).to_be_visible(timeout=15000)
    expect(attention).to_contain_text("手机时钟")
    fresh()
    assert db.session.get(RepairOrder, order.id).state == "dispatched"
