"""The job page holds still under the technician's finger: a step sent at once does not make the
outbox strip appear and push the page down; once the strip has appeared (the signal went) it stays
on that page; and the server's fresh copy of the job is not swapped in while a finger is down, so a
tap that lands just then is not lost."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from .test_offline import counts, open_job, wait_synced

pytestmark = pytest.mark.e2e

CHECKLIST = ("我已详细了解工作内容", "工作服统一整洁", "已佩戴胸牌", "已带抹布和脚套", "维修工具和常用备件齐全")

# where the page's content starts in the document, every animation frame: the strip above it is
# the only thing that can move it (a scroll does not change a document offset)
WATCH = """() => {
  window.__tops = [];
  const loop = () => {
    const top = Math.round(document.querySelector("main").getBoundingClientRect().top + window.scrollY);
    if (window.__tops[window.__tops.length - 1] !== top) window.__tops.push(top);
    requestAnimationFrame(loop);
  };
  loop();
}"""


@pytest.fixture
def phone(tech_phone):
    context, page = tech_phone
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    return context, page


@pytest.fixture
def slow_steps(live_server):
    """Every step the phone posts takes the live server 0.6 s: long enough to be seen waiting, and five
    ticks in a row wait 2.4 s for the last one's turn — still no reason to list them."""
    app = live_server.app

    def nap():
        from flask import request
        if request.method == "POST":
            time.sleep(0.6)
    app.before_request_funcs.setdefault(None, []).insert(0, nap)
    yield
    app.before_request_funcs[None].remove(nap)


def accepted_job(page, make_order, org):
    order = make_order(technician=org.users["technician"])
    open_job(page, order.number)
    page.get_by_role("button", name="接单").click()
    wait_synced(page, answered=1)
    return order


def box_of(locator):
    """Its box, once the page is done swapping in the server's copy after the last step."""
    for _ in range(50):
        box = locator.bounding_box()
        if box:
            return box
        locator.page.wait_for_timeout(100)
    raise AssertionError(f"{locator} never showed")


def test_a_step_sent_at_once_does_not_push_the_checklist_down_under_the_finger(
        org, make_order, phone, slow_steps):
    _, page = phone
    order = accepted_job(page, make_order, org)
    page.evaluate(WATCH)
    for label in CHECKLIST:
        page.get_by_role("checkbox", name=label).click()
        expect(page.get_by_role("checkbox", name=label)).to_have_attribute("aria-checked", "true")
    wait_synced(page, answered=6)
    assert counts(order.id)["check"] == 5
    assert len(page.evaluate("window.__tops")) == 1, "the page moved while its steps were sent"
    expect(page.locator("#sync .outbox")).to_be_hidden()  # each was answered in time: nothing to list


def test_a_step_the_server_does_not_answer_for_2_s_is_listed_and_the_list_then_stays(
        org, make_order, phone, live_server):
    _, page = phone
    accepted_job(page, make_order, org)
    app = live_server.app

    def stall():
        from flask import request
        if request.method == "POST":
            time.sleep(3)
    app.before_request_funcs.setdefault(None, []).insert(0, stall)
    try:
        page.get_by_role("checkbox", name=CHECKLIST[0]).click()
        # shown, not only counted: the list's title is written even while it is hidden
        expect(page.locator("#sync .outbox")).to_be_visible(timeout=2900)
        expect(page.locator("#sync .outbox")).to_contain_text("(1)")
    finally:
        app.before_request_funcs[None].remove(stall)
    wait_synced(page, answered=2)
    expect(page.locator("#sync .outbox")).to_be_visible()
    expect(page.locator("#sync .outbox")).to_contain_text("(0)")


def test_once_the_signal_goes_the_strip_stays_on_the_page_and_the_ticks_taken_meanwhile_do_not_move_it(
        org, make_order, phone, shot):
    context, page = phone
    order = accepted_job(page, make_order, org)
    context.set_offline(True)
    expect(page.locator("#sync .offline-banner")).to_be_visible()
    # the list shows a moment after the banner (it waits for IndexedDB); both are there before the first
    # tap. Its "(0)" is in the page even while it is hidden, so that alone started the watch too early
    # (a CI run: the page "moved" when the list appeared, before any tick)
    expect(page.locator("#sync .outbox")).to_be_visible()
    expect(page.locator("#sync .outbox")).to_contain_text("(0)")
    page.evaluate(WATCH)
    for label in CHECKLIST[:3]:
        page.get_by_role("checkbox", name=label).click()
        expect(page.get_by_role("checkbox", name=label)).to_have_attribute("aria-checked", "true")
    expect(page.locator("#sync .outbox")).to_contain_text("(3)")

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_synced(page, answered=4)
    assert counts(order.id)["check"] == 3
    # the strip says so instead of going away and pulling the page up
    expect(page.locator("#sync .offline-banner")).to_contain_text("信号已恢复")
    expect(page.locator("#sync .outbox")).to_be_visible()
    expect(page.locator("#sync .outbox")).to_contain_text("(0)")
    assert len(page.evaluate("window.__tops")) == 1, "the page moved while the technician ticked"
    shot(page, "offline-strip-back-online", full_page=False)


def test_a_tap_is_not_lost_when_the_servers_copy_of_the_job_arrives_under_the_finger(
        org, make_order, phone):
    _, page = phone
    order = accepted_job(page, make_order, org)
    box = box_of(page.get_by_role("checkbox", name=CHECKLIST[0]))
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.evaluate("window.__job = document.getElementById('job')")
    page.evaluate("window.wuyeOutbox.refresh()")  # the answer to an earlier step, arriving now
    page.mouse.up()
    expect(page.get_by_role("checkbox", name=CHECKLIST[0])).to_have_attribute("aria-checked", "true")
    wait_synced(page, answered=2)
    assert counts(order.id)["check"] == 1


def test_the_servers_copy_held_back_while_a_finger_is_down_comes_in_when_it_lifts(
        org, make_order, phone):
    _, page = phone
    accepted_job(page, make_order, org)
    head = box_of(page.locator(".job-head h1"))
    page.mouse.move(head["x"] + 5, head["y"] + 5)
    page.mouse.down()
    page.evaluate("window.__job = document.getElementById('job')")
    page.evaluate("window.wuyeOutbox.refresh()")
    page.wait_for_timeout(500)
    assert page.evaluate("document.getElementById('job') === window.__job"), "swapped under the finger"
    page.mouse.up()
    page.wait_for_function("() => document.getElementById('job') !== window.__job", timeout=5000)
