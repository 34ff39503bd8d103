"""E2E: an emergency dispatched reaches the technician's WeCom within the watcher's interval; the
phone's service worker, given a push through the DevTools protocol, shows the notice, and the
notice's tap target is the job."""
from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import expect

from wuye.database import transaction
from wuye.extensions import db

pytestmark = pytest.mark.e2e
INTERVAL = 1.0


@pytest.fixture
def live_wecom(live_server, wecom):
    """The live server's app, configured as the test's (which queues the rows), sending to the same
    WeCom stand-in from a watcher thread of its own."""
    from wuye import watcher
    server = wecom
    app = live_server.app
    app.config.update(server.config(), WUYE_NOTIFIERS=[], WUYE_DELIVERY_TIMEOUT=2)
    app.extensions.pop("wuye.delivery.channels", None)
    w = watcher.Watcher(app, INTERVAL)
    w.thread.start()
    yield server
    w.stop()
    app.config.update(WUYE_WECOM_CORP_ID="", WUYE_NOTIFIERS=["log"])
    app.extensions.pop("wuye.delivery.channels", None)


def test_an_emergency_dispatched_reaches_the_technicians_wecom_within_the_watcher_interval(
        org, make_order, live_wecom):
    with transaction():
        db.session.merge(org.users["technician"]).wecom_userid = "zhang.wei"
    from wuye.clock import now
    order = make_order(urgency="emergency", technician=org.users["technician"], at=now())
    db.session.commit()
    dispatched = time.monotonic()
    while not live_wecom.sent and time.monotonic() - dispatched < INTERVAL * 4:
        time.sleep(0.05)
    took = time.monotonic() - dispatched
    assert len(live_wecom.sent) == 1, "nothing reached WeCom"
    assert took <= INTERVAL * 2 + 1, f"{took:.1f}s"
    [message] = live_wecom.sent
    assert message["touser"] == "zhang.wei" and order.number in message["text"]["content"]
    time.sleep(INTERVAL * 2)
    assert len(live_wecom.sent) == 1  # and only once


def test_the_service_worker_shows_a_pushed_notice_whose_tap_opens_the_job(org, make_order, tech_phone, base_url,
                                                                         shot):
    context, page = tech_phone
    context.grant_permissions(["notifications"], origin=base_url)
    order = make_order(urgency="emergency", technician=org.users["technician"])
    db.session.commit()
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: registrations.extend(e["registrations"]))
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while not registrations and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    [registration] = [r for r in registrations if r["scopeURL"].endswith("/tech/")]
    payload = {"title": f"紧急工单 {order.number}：3栋2单元1201", "body": "3栋2单元1201",
               "url": f"/tech/jobs/{order.number}", "tag": f"repair_dispatched:{order.number}", "urgent": True}
    cdp.send("ServiceWorker.deliverPushMessage", {"origin": base_url, "registrationId": registration["registrationId"],
                                                  "data": json.dumps(payload, ensure_ascii=False)})
    shown, until = [], time.monotonic() + 10  # the worker shows it in its own time: ask until it has
    while not shown and time.monotonic() < until:
        shown = page.evaluate("""async () => (await (await navigator.serviceWorker.ready).getNotifications())
            .map(n => ({title: n.title, body: n.body, url: n.data && n.data.url}))""")
        if not shown:
            page.wait_for_timeout(100)
    assert shown == [{"title": payload["title"], "body": "3栋2单元1201", "url": f"/tech/jobs/{order.number}"}]
    # the tap: what notificationclick opens is the notice's url, and it is the job's page
    page.goto(shown[0]["url"])
    expect(page.get_by_text(order.number).first).to_be_visible()
    shot(page, "delivery-push-opens-job")
