"""One failing step does not block the phone: a step the server fails on (5xx) is tried again
with a growing wait, shown under 需处理 with the server's message and 重试 after a few failures;
the later steps of its job wait behind it, other jobs' steps go on, and nothing is dropped."""
from __future__ import annotations

import functools

import pytest
from playwright.sync_api import expect

from wuye.extensions import db
from wuye.models import AuditEvent

from .test_offline import counts, fresh, open_job, pending, wait_synced
from .test_technician_job import server_has

pytestmark = pytest.mark.e2e


@pytest.fixture
def phone(tech_phone, live_server):
    context, page = tech_phone
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    return context, page


@pytest.fixture
def failing_steps(live_server):
    """failing_steps.add(number): the live server answers 500 to every tick of that job (its real
    error page, from a view that raises) until the number is removed again."""
    app = live_server.app
    original = app.view_functions["job.tick"]
    failing: set[str] = set()

    @functools.wraps(original)  # keeps the view's declared roles
    def tick(number):
        if number in failing:
            raise RuntimeError(f"test: the server fails on {number}'s steps")
        return original(number=number)

    app.view_functions["job.tick"] = tick
    retry = app.config["WUYE_OFFLINE_RETRY_SECONDS"]
    app.config["WUYE_OFFLINE_RETRY_SECONDS"] = 0.3  # 0.3 s, 0.6 s, 1.2 s … instead of 5 s, 10 s, 20 s
    yield failing
    app.view_functions["job.tick"] = original
    app.config["WUYE_OFFLINE_RETRY_SECONDS"] = retry


def ticked_items(order_id):
    fresh()
    return [e.changes["item"] for e in db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.subject_type == "repair_order", AuditEvent.subject_id == order_id,
        AuditEvent.action == "check").order_by(AuditEvent.id))]


def test_a_step_the_server_fails_on_waits_with_its_job_while_other_jobs_go_on(
        org, make_order, phone, failing_steps, shot):
    context, page = phone
    stuck = make_order(technician=org.users["technician"])
    other = make_order(technician=org.users["technician"], description="卫生间下水道堵塞")
    open_job(page, stuck.number)
    page.get_by_role("button", name="接单").click()
    wait_synced(page, answered=1)

    failing_steps.add(stuck.number)
    page.get_by_role("checkbox", name="已佩戴胸牌").click()
    page.get_by_role("checkbox", name="工作服统一整洁").click()
    failing = page.locator("#sync .attention li.failing")
    expect(failing).to_have_count(1, timeout=15000)  # shown after three failures, the head of its job
    expect(failing).to_contain_text(stuck.number)
    expect(failing).to_contain_text("系统出错")  # the server's own message
    expect(failing.get_by_role("button", name="重试")).to_be_visible()
    assert ticked_items(stuck.id) == []
    assert pending(page) == 2  # nothing dropped: the failing step and the one behind it

    # another job's steps go on meanwhile
    open_job(page, other.number)
    page.get_by_role("button", name="接单").click()
    server_has(page, other, "accepted")
    page.get_by_role("checkbox", name="已带抹布和脚套").click()
    for _ in range(100):
        if ticked_items(other.id) == ["cloth_covers"]:
            break
        page.wait_for_timeout(100)
    assert ticked_items(other.id) == ["cloth_covers"]
    assert ticked_items(stuck.id) == []
    expect(page.locator("#sync .attention li.failing")).to_have_count(1)
    page.locator("#sync .outbox summary").click()
    shot(page, "offline-retry-needs-attention", full_page=False)

    # the server is fixed; 重试 sends the step now, and the one behind it follows, in order
    failing_steps.discard(stuck.number)
    page.locator("#sync .attention li.failing").get_by_role("button", name="重试").click()
    page.wait_for_function("() => window.wuyeOutbox.pending === 0 && !window.wuyeOutbox.replaying", timeout=20000)
    assert ticked_items(stuck.id) == ["badge", "uniform"]
    expect(page.locator("#sync .attention")).to_be_hidden()
    assert page.evaluate("window.wuyeOutbox.all('attention')") == []
    assert counts(stuck.id).get("check") == 2
