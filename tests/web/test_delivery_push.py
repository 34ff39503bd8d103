"""Web Push to the technician's phone: the subscription saved after login, the notice encrypted for
that device (decrypted here with http_ece), VAPID-signed with the instance's key, 410 prunes it."""
from __future__ import annotations

import json

from tests.fixtures.gateways import Device
from wuye.extensions import db
from wuye.models import Delivery, DeliveryState, PushSubscription
from wuye.services.delivery import push, worker

S = DeliveryState


def post_json(browser, payload):
    """What push.js sends: the subscription as JSON, with the page's CSRF token."""
    from tests.fixtures.web import _as_another_client
    return _as_another_client(browser.client.post, "/tech/push/subscriptions", data=json.dumps(payload),
                              headers={"Content-Type": "application/json", "X-CSRFToken": browser.token})



def test_an_emergency_is_pushed_encrypted_to_each_of_the_technicians_devices(org, as_role, make_order, clock,
                                                                             push_service, app):
    tech = as_role("technician")
    key = tech.get("/tech/push/key").get_json()["publicKey"]
    assert (push.key_path()).exists() and push.public_key() == key  # generated once, kept
    phone, tablet = Device(f"{push_service.url}/push/phone"), Device(f"{push_service.url}/push/tablet")
    for device in (phone, tablet):
        r = post_json(tech, device.subscription)
        assert r.status_code == 201, r.get_data(as_text=True)
    order = make_order(urgency="emergency", technician=org.users["technician"])
    assert [d.channel for d in db.session.scalars(db.select(Delivery))] == ["push", "push"]
    assert worker.run(at=clock()).delivered == 2
    by_device = {path.rsplit("/", 1)[-1]: (headers, body) for path, headers, body in push_service.received}
    for name, device in (("phone", phone), ("tablet", tablet)):
        headers, body = by_device[name]
        headers = {k.lower(): v for k, v in headers.items()}
        assert headers["content-encoding"] == "aes128gcm"
        assert f"k={key}" in headers["authorization"].replace(" ", "")  # VAPID: our public key
        message = device.decrypt(body)
        assert order.number in message["title"] and "紧急" in message["title"]
        assert message["url"] == f"/tech/jobs/{order.number}" and message["urgent"] is True


def test_a_subscription_the_push_service_calls_gone_is_removed(org, as_role, make_order, clock, push_service):
    tech = as_role("technician")
    device = Device(f"{push_service.url}/push/old-phone")
    assert post_json(tech, device.subscription).status_code == 201
    push_service.gone.add("old-phone")
    make_order(urgency="emergency", technician=org.users["technician"])
    assert worker.run(at=clock()).failed == 1
    db.session.expire_all()
    d = db.session.scalar(db.select(Delivery))
    assert d.state == S.FAILED and "410" in d.last_error
    assert db.session.scalar(db.select(PushSubscription)) is None
    make_order(urgency="emergency", technician=org.users["technician"])
    assert db.session.scalar(db.select(db.func.count()).select_from(Delivery)) == 1  # nothing for a pruned device


def test_a_broken_subscription_is_refused_with_a_message(as_role, push_service):
    tech = as_role("technician")
    for bad in ({}, {"endpoint": "javascript:alert(1)", "keys": {"p256dh": "x", "auth": "y"}},
                {"endpoint": "https://push.example/1", "keys": {"p256dh": "AAAA", "auth": "AAAA"}}, [1, 2]):
        r = post_json(tech, bad)
        assert r.status_code == 422 and "推送订阅无法使用" in r.get_data(as_text=True)
    assert db.session.scalar(db.select(PushSubscription)) is None


def test_the_service_worker_served_to_the_phone_handles_push_and_the_tap(anon):
    sw = anon.get("/tech/sw.js").get_data(as_text=True)
    assert 'addEventListener("push"' in sw and "showNotification" in sw
    assert 'addEventListener("notificationclick"' in sw and "openWindow(url)" in sw
