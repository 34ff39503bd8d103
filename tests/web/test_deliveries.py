"""E: failed deliveries are visible to an admin (/admin/deliveries, with retry) and on the notice."""
from __future__ import annotations

from wuye.database import transaction
from wuye.extensions import db
from wuye.models import AuditEvent, Delivery, DeliveryState
from wuye.services.delivery import worker


def _failed_dispatch(org, make_order, clock, wecom):
    with transaction():
        db.session.merge(org.users["technician"]).wecom_userid = "zhang.wei"
    order = make_order(urgency="emergency", technician=org.users["technician"])
    wecom.script = [{"errcode": 81013, "errmsg": "user & party & tag all invalid"}]
    assert worker.run(at=clock()).failed == 1
    return order


def test_an_admin_sees_a_failed_delivery_with_its_reason_and_sends_it_again(org, make_order, clock, wecom, as_role):
    order = _failed_dispatch(org, make_order, clock, wecom)
    admin = as_role("admin")
    page = admin.get("/admin/deliveries/").get_data(as_text=True)
    assert order.number in page and "81013" in page and "企业微信" in page and "重新发送" in page
    d = db.session.scalar(db.select(Delivery))
    r = admin.post(f"/admin/deliveries/{d.id}/retry")
    assert r.status_code in (302, 303)
    db.session.expire_all()
    assert db.session.get(Delivery, d.id).state == DeliveryState.PENDING
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "delivery_retry")) is not None
    assert worker.run(at=clock()).delivered == 1 and len(wecom.sent) == 1
    # a delivered row cannot be sent again: a clear message, not a 500
    r = admin.post(f"/admin/deliveries/{d.id}/retry")
    assert r.status_code == 409 and "只有发送失败的消息可以重新发送" in r.get_data(as_text=True)


def test_the_technicians_notice_says_it_did_not_reach_wecom(org, make_order, clock, wecom, as_role):
    order = _failed_dispatch(org, make_order, clock, wecom)
    page = as_role("technician").get("/notifications/").get_data(as_text=True)
    assert order.number in page and "未能通过企业微信送达" in page and "81013" in page


def test_a_retry_of_an_unknown_delivery_is_404(as_role):
    assert as_role("admin").post("/admin/deliveries/999/retry").status_code == 404


def test_a_technician_turns_off_wecom_for_new_jobs_and_keeps_emergencies(org, make_order, clock, wecom, as_role):
    from wuye.models import DeliveryPreference
    with transaction():
        db.session.merge(org.users["technician"]).wecom_userid = "zhang.wei"
    tech = as_role("technician")
    page = tech.get("/settings/messages").get_data(as_text=True)
    assert "消息设置" in page and 'value="repair_dispatched:wecom" aria-label="新工单 — 企业微信" checked' in page
    assert 'value="repair_charge_changed:wecom" aria-label="工单收费类型变更 — 企业微信" checked' in page
    kinds = ["repair_dispatched_emergency", "repair_cancelled", "deadline_warn", "nonsense"]
    r = tech.post("/settings/messages", {"on": [f"{k}:wecom" for k in kinds] + ["repair_dispatched:fax"]})
    assert r.status_code == 200 and "已保存" in r.get_data(as_text=True)
    db.session.expire_all()
    prefs = {p.kind: p.enabled for p in db.session.scalars(
        db.select(DeliveryPreference).where(DeliveryPreference.channel == "wecom"))}
    assert prefs["repair_dispatched"] is False and prefs["repair_dispatched_emergency"] is True
    assert "nonsense" not in prefs
    make_order(technician=org.users["technician"])
    make_order(urgency="emergency", technician=org.users["technician"])
    assert [d.notification.params["urgency"] for d in db.session.scalars(db.select(Delivery))] == ["emergency"]
