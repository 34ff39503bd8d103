"""A lost or reassigned phone: the next time it has signal it deletes every cached page and stored
step that is no longer this technician's — steps still waiting are first handed to the desk as
refused actions — and a cached job page older than WUYE_OFFLINE_DAYS is not shown offline."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from wuye.extensions import db
from wuye.models import RepairOrder
from wuye.models.offline import RefusedAction

from .test_offline import fresh, open_job, pending, wait_synced, wait_until
from .test_offline_money import go_online

pytestmark = pytest.mark.e2e

STORES = """() => new Promise(resolve => {
  const req = indexedDB.open('wuye-tech', 2);
  req.onsuccess = () => {
    const d = req.result, names = ['outbox', 'sent', 'attention'], out = {};
    const t = d.transaction(names, 'readonly');
    names.forEach(n => { const r = t.objectStore(n).getAll(); r.onsuccess = () => { out[n] = r.result.length; }; });
    t.oncomplete = () => resolve(out);
  };
})"""
CACHED = "() => caches.open('wuye-pages').then(c => c.keys()).then(keys => keys.map(k => new URL(k.url).pathname))"


@pytest.fixture
def phone(tech_phone):
    context, page = tech_phone
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    return context, page


def wait_cached(page, path, present=True):
    wait_until(page, f"want => ({CACHED})().then(paths => paths.includes(want) === {str(present).lower()})", path)


def test_a_disabled_accounts_phone_hands_its_steps_to_the_desk_and_forgets_every_job(
        app, org, make_order, phone, shot):
    context, page = phone
    order = make_order(technician=org.users["technician"], contact_name="林女士", contact_phone="13900001111")
    open_job(page, order.number)
    page.get_by_role("button", name="接单").click()
    wait_synced(page, answered=1)
    wait_cached(page, f"/tech/jobs/{order.number}")

    context.set_offline(True)
    page.get_by_role("checkbox", name="已佩戴胸牌").click()
    assert pending(page) == 1
    result = app.test_cli_runner().invoke(args=["user", "disable", "technician"])  # flask user disable
    assert result.exit_code == 0, result.output

    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    go_online(context, page)
    page.wait_for_url("**/login**", timeout=15000)
    assert any("停用" in m for m in dialogs), dialogs

    fresh()
    refused = db.session.scalars(db.select(RefusedAction).order_by(RefusedAction.id)).all()
    assert [(r.action, r.status_code, r.order_id) for r in refused] == [("tick", 403, order.id)]
    assert refused[0].happened_at is not None
    assert db.session.get(RepairOrder, order.id).state == "accepted"  # not applied
    assert page.evaluate(STORES) == {"outbox": 0, "sent": 0, "attention": 0}
    assert page.evaluate(CACHED) == []

    # without signal the phone has nothing of the customer to show any more
    context.set_offline(True)
    page.goto(f"/tech/jobs/{order.number}")
    assert "13900001111" not in page.content() and "林女士" not in page.content()


def test_a_job_reassigned_away_is_forgotten_by_the_phone_and_the_others_stay(org, make_order, phone, shot):
    from wuye.services import Actor
    from wuye.services.repairs import intake as repairs

    context, page = phone
    gone = make_order(technician=org.users["technician"], unit=org.units[1], contact_name="林女士",
                      contact_phone="13900001111", description="阳台地漏反水")
    kept = make_order(technician=org.users["technician"])
    open_job(page, kept.number)
    open_job(page, gone.number)
    page.get_by_role("button", name="接单").click()
    wait_synced(page, answered=1)
    wait_cached(page, f"/tech/jobs/{kept.number}")
    wait_cached(page, f"/tech/jobs/{gone.number}")

    context.set_offline(True)
    page.get_by_role("checkbox", name="已佩戴胸牌").click()
    fresh()
    repairs.reassign(Actor(org.users["clerk"], "10.0.0.9"), db.session.get(RepairOrder, gone.id),
                     org.users["technician2"].id, "改派李师傅")
    go_online(context, page)
    expect(page.locator("#sync .attention")).to_contain_text("改派", timeout=15000)
    wait_cached(page, f"/tech/jobs/{gone.number}", present=False)
    # my jobs, cached again without the job that went
    wait_until(page, """() => caches.open('wuye-pages').then(c => c.match(new URL('/tech/', location.href).toString()))
        .then(r => r ? r.text() : '').then(t => t.includes('我的工单') && !t.includes('阳台地漏反水'))""")
    fresh()
    assert [r.action for r in db.session.scalars(db.select(RefusedAction))] == ["tick"]
    assert page.evaluate(STORES)["outbox"] == 0
    # the refusal stays listed for the technician, without the step's data
    wait_until(page, "() => window.wuyeOutbox.all('attention').then(a => a.length === 1 && a[0].bare)")

    context.set_offline(True)
    page.goto(f"/tech/jobs/{gone.number}")
    assert "13900001111" not in page.content() and "阳台地漏反水" not in page.content()
    page.goto("/tech/")
    expect(page.get_by_role("heading", name="我的工单")).to_be_visible()
    assert "阳台地漏反水" not in page.content()
    page.goto(f"/tech/jobs/{kept.number}")
    expect(page.get_by_text("13812345678")).to_be_visible()  # still this technician's: still there offline


def test_a_cached_job_page_is_not_shown_offline_once_older_than_the_limit(org, make_order, phone, shot):
    context, page = phone
    order = make_order(technician=org.users["technician"], contact_phone="13900001111")
    open_job(page, order.number)
    wait_cached(page, f"/tech/jobs/{order.number}")

    def age_copy(days):
        page.evaluate("""([path, days]) => caches.open('wuye-pages').then(c => {
            const key = new URL(path, location.href).toString();
            return c.match(key).then(r => r.blob().then(b => {
              const h = new Headers(r.headers);
              h.set('X-Wuye-Cached-At', String(Date.now() - days * 86400000));
              return c.put(key, new Response(b, {status: r.status, headers: h}));
            }));
          })""", [f"/tech/jobs/{order.number}", days])

    context.set_offline(True)
    age_copy(2.9)  # within WUYE_OFFLINE_DAYS (3)
    page.goto(f"/tech/jobs/{order.number}")
    expect(page.get_by_text("13900001111")).to_be_visible()
    age_copy(3.1)
    page.goto(f"/tech/jobs/{order.number}")
    expect(page.get_by_role("alert")).to_contain_text("超过 3 天")
    assert "13900001111" not in page.content()
    shot(page, "offline-page-too-old", full_page=False)
    assert page.evaluate(CACHED).count(f"/tech/jobs/{order.number}") == 0  # and it is deleted


@pytest.fixture
def my_jobs_unanswered(live_server):
    """While set, the live server answers 503 to the list of my jobs (its real error page)."""
    import functools
    import threading

    from flask import abort
    app = live_server.app
    original = app.view_functions["tech.home"]
    down = threading.Event()

    @functools.wraps(original)  # keeps the view's declared roles
    def home(**kw):
        if down.is_set():
            abort(503)
        return original(**kw)

    app.view_functions["tech.home"] = home
    yield down
    app.view_functions["tech.home"] = original


def test_a_job_reassigned_away_leaves_the_cached_list_of_my_jobs_at_once_even_if_no_fresh_list_comes(
        org, make_order, phone, my_jobs_unanswered):
    from wuye.services import Actor
    from wuye.services.repairs import intake as repairs

    context, page = phone
    gone = make_order(technician=org.users["technician"], unit=org.units[1], description="阳台地漏反水")
    kept = make_order(technician=org.users["technician"], description="卫生间下水道堵塞")
    open_job(page, gone.number)
    wait_cached(page, "/tech/")
    wait_cached(page, f"/tech/jobs/{kept.number}")
    repairs.reassign(Actor(org.users["clerk"], "10.0.0.9"), db.session.get(RepairOrder, gone.id),
                     org.users["technician2"].id, "改派李师傅")
    fresh()
    my_jobs_unanswered.set()  # the signal fades: the fresh list of my jobs never arrives
    page.evaluate("window.wuyeGuard.check(true)")  # as with signal after the reassignment
    wait_cached(page, f"/tech/jobs/{gone.number}", present=False)
    wait_until(page, """() => caches.open('wuye-pages').then(c => c.match(new URL('/tech/', location.href).toString()))
        .then(r => r ? r.text() : '').then(t => t.includes('卫生间下水道堵塞') && !t.includes('阳台地漏反水'))""")

    context.set_offline(True)
    page.goto("/tech/")
    expect(page.get_by_role("heading", name="我的工单")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(kept.number))).to_be_visible()
    assert "阳台地漏反水" not in page.content() and gone.number not in page.content()


def test_a_job_opened_straight_from_the_list_still_keeps_the_lists_other_jobs_on_the_phone(org, make_order, phone):
    """The list of my jobs asks for its jobs' pages once it has loaded; a technician who taps a job
    before that still gets the others kept for offline use, from the job's own page."""
    context, page = phone
    opened = make_order(technician=org.users["technician"], description="阳台地漏反水")
    other = make_order(technician=org.users["technician"], unit=org.units[1], description="卫生间下水道堵塞")
    page.goto("/tech/")
    wait_cached(page, f"/tech/jobs/{opened.number}")
    wait_cached(page, f"/tech/jobs/{other.number}")
    # as if the list had been left before it asked: no copy of the other job
    page.evaluate("n => caches.open('wuye-pages').then(c => c.delete(new URL('/tech/jobs/' + n, location.href).toString()))",
                  other.number)
    wait_cached(page, f"/tech/jobs/{other.number}", present=False)
    page.goto(f"/tech/jobs/{opened.number}")
    wait_cached(page, f"/tech/jobs/{other.number}")

    context.set_offline(True)
    page.goto(f"/tech/jobs/{other.number}")
    expect(page.get_by_text("卫生间下水道堵塞", exact=True)).to_be_visible()
