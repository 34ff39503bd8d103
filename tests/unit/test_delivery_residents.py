"""SMS to residents, against the Aliyun stand-in (which checks each request's signature): what was
sent exactly — template code, phone and variables, times in the order's project's zone — for the
link at intake, the appointment confirmed and moved, "the technician is on the way" and the
complaint's reply; only to a contact who agreed; a failed link SMS sent again with a fresh link."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.fixtures.journey import Journey
from wuye.database import transaction
from wuye.extensions import db
from wuye.models import AuditEvent, Delivery, DeliveryState, ResidentConsent, ResidentLink, ResidentMessage, User
from wuye.services import Actor
from wuye.services.delivery import retry, worker
from wuye.services.delivery.residents import issue_intake_link
from wuye.services.repairs import intake as repairs

OWNER = "13800001201"  # the owner of 3栋2单元1201 on file (tests/fixtures/data.py)
TEMPLATES = {"resident_link": "SMS_900010", "resident_on_the_way": "SMS_900011",
             "resident_appointment_confirmed": "SMS_900012", "resident_appointment_moved": "SMS_900013",
             "resident_complaint_reply": "SMS_900014"}


@pytest.fixture
def sms(aliyun_sms, app, org):
    """Every resident template on; the project in Xinjiang (UTC+6), so its local time is not the default
    zone's: 06:00 UTC is 12:00 there, 14:00 in Shanghai."""
    app.config["WUYE_SMS_TEMPLATES"] += "," + ",".join(f"{k}={v}" for k, v in TEMPLATES.items())
    app.config.update(WUYE_SMS_DAILY_CAP=10, WUYE_PUBLIC_URL="https://wuye.example.cn")
    app.extensions.pop("wuye.delivery.channels", None)
    with transaction():
        db.session.merge(org.p1).timezone = "Asia/Urumqi"
    return aliyun_sms


def clerk(org):
    return Actor(db.session.get(User, org.users["clerk"].id), "10.0.0.2")


def sent_params(sms, i: int = -1) -> tuple[str, str, dict]:
    s = sms.sent[i]
    return s["PhoneNumbers"], s["TemplateCode"], json.loads(s["TemplateParam"])


def refuse_messages(org):
    with transaction():
        db.session.merge(org.units[0]).contacts[0].may_receive_messages = False


def sms_rows():
    db.session.expire_all()
    return list(db.session.scalars(db.select(Delivery).where(Delivery.channel == "sms").order_by(Delivery.id)))


def test_the_link_at_intake_goes_to_the_contact_who_agreed_with_the_agreed_time_in_the_projects_zone(
        org, make_order, clock, sms):
    order = make_order(contact_phone=OWNER)  # the owner's record says yes: the default is theirs
    assert db.session.scalar(db.select(ResidentConsent)).phone == OWNER
    token = issue_intake_link(clerk(org), order)
    assert worker.run(at=clock()).delivered == 1
    phone, code, params = sent_params(sms)
    assert (phone, code) == (OWNER, "SMS_900010")
    assert params["url"].endswith(f"/s/{token}") and params["number"] == order.number
    # the appointment at 08:00–10:00 UTC, shown in Urumqi: 14:00–16:00 (Shanghai would say 16:00)
    assert (params["start"], params["end"]) == ("11-27 14:00", "16:00")
    db.session.expire_all()
    msg = db.session.scalar(db.select(ResidentMessage))
    assert "url" not in msg.params and msg.params["url_sent"]
    # the record in words, in the default language (a resident chose none), the time in Urumqi's zone
    from wuye.services.delivery.residents import text
    assert text(msg) == f"您的报修{order.number}已登记，预约11-27 14:00–16:00上门，查看进度：（链接不保存）"


def test_a_contact_who_refused_messages_never_gets_an_sms(org, make_order, clock, sms):
    refuse_messages(org)
    order = make_order(contact_phone=OWNER, technician=org.users["technician"])
    issue_intake_link(clerk(org), order)
    Journey(order).to("depart")
    from wuye.services.residents import link as links
    assert sms_rows() == [] and worker.run(at=clock()).claimed == 0 and sms.sent == []
    refused = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "resident_sms_refused"))
    assert refused.changes["stored"] is False and refused.changes["changed"] is False
    assert links.live_links(order)  # the link itself is there for the desk to read out or print


def test_the_desk_may_send_to_a_contact_who_refused_for_this_order_only_and_it_is_audited(org, make_order, clock,
                                                                                           sms):
    refuse_messages(org)
    order = make_order(contact_phone=OWNER, sms_consent=True)
    other = make_order(contact_phone=OWNER)
    issue_intake_link(clerk(org), order)
    issue_intake_link(clerk(org), other)
    worker.run(at=clock())
    assert [sent_params(sms, i)[1] for i in range(len(sms.sent))] == ["SMS_900010"]
    agreed = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "resident_sms_consent"))
    assert agreed.subject_id == order.id and agreed.changes["stored"] is False and agreed.changes["changed"] is True


def test_a_landline_contact_gets_no_sms_and_ticking_it_anyway_is_refused(org, make_order, clock, sms):
    assert make_order(contact_phone="0755-12345678") is not None
    assert db.session.scalar(db.select(ResidentConsent)) is None
    with pytest.raises(repairs.InvalidInput) as e:
        make_order(contact_phone="0755-12345678", sms_consent=True)
    assert getattr(e.value, "field", None) == "sms_consent"


def test_the_appointment_confirmed_on_dispatch_is_its_own_sms_apart_from_the_technician_on_the_way(
        org, make_order, clock, sms):
    order = make_order(contact_phone=OWNER)
    repairs.dispatch(clerk(org), order, org.users["technician"].id)
    worker.run(at=clock())
    phone, code, params = sent_params(sms)
    assert (phone, code, params["number"]) == (OWNER, "SMS_900012", order.number)
    assert (params["start"], params["end"]) == ("11-27 14:00", "16:00")
    Journey(order).to("depart")
    worker.run(at=clock())
    phone, code, params = sent_params(sms)
    assert (phone, code, params["number"], params["unit"]) == (OWNER, "SMS_900011", order.number, "3栋2单元1201")
    assert len(sms.sent) == 2


def test_dispatched_at_intake_the_link_sms_carries_the_time_and_no_second_confirmation_follows(
        org, make_order, clock, sms):
    order = make_order(contact_phone=OWNER, technician=org.users["technician"])
    issue_intake_link(clerk(org), order)
    worker.run(at=clock())
    assert [s["TemplateCode"] for s in sms.sent] == ["SMS_900010"]
    assert sent_params(sms)[2]["start"] == "11-27 14:00"


def test_the_appointment_moved_by_a_booked_next_visit_is_sent_with_the_new_local_time(org, make_order, clock, sms):
    order = make_order(contact_phone=OWNER, technician=org.users["technician"])
    Journey(order).to("arrive").cannot_fix(clock() + timedelta(days=1, hours=3))
    worker.run(at=clock())
    phone, code, params = sent_params(sms)
    assert (phone, code) == (OWNER, "SMS_900013")
    assert (params["start"], params["end"]) == ("11-28 15:00", "17:00")  # 09:00 UTC in Urumqi


def test_the_complaints_reply_goes_to_the_complainant_whose_contact_agreed(org, kit, clock, sms):
    c = kit.invalid(phone=OWNER)
    clock.advance(hours=3)
    kit.reply(c)
    worker.run(at=clock())
    phone, code, params = sent_params(sms)
    assert (phone, code, params["number"]) == (OWNER, "SMS_900014", c.number)
    assert params["time"] == "11-27 15:00" and params["result"] == "已电话告知处理结果"
    reply = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "reply"))
    assert reply.changes["sms"] is True


def test_a_complainant_whose_contact_refused_or_who_is_not_on_file_gets_no_reply_sms(org, kit, clock, sms):
    refuse_messages(org)
    kit.reply(kit.invalid(phone=OWNER))
    kit.reply(kit.invalid(phone="13700000000"))  # nobody on file has this number: never agreed
    assert sms_rows() == [] and sms.sent == []


def test_a_failed_link_sms_sent_again_carries_a_fresh_link_and_the_unopened_old_one_is_revoked(
        org, make_order, clock, sms):
    order = make_order(contact_phone=OWNER)
    old_token = issue_intake_link(clerk(org), order)
    sms.script = ["isv.MOBILE_NUMBER_ILLEGAL"]
    worker.run(at=clock())
    [d] = sms_rows()
    assert d.state == DeliveryState.FAILED
    admin = Actor(db.session.get(User, org.users["admin"].id), "10.0.0.3")
    retry(admin, d.id)
    worker.run(at=clock())
    phone, code, params = sent_params(sms)
    assert (phone, code) == (OWNER, "SMS_900010") and params["start"] == "11-27 14:00"
    new_token = params["url"].rsplit("/", 1)[1]
    assert new_token != old_token
    from wuye.services.residents import link as links
    assert links.resolve(old_token) is None and links.resolve(new_token).order_id == order.id
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-3:] == ["resident_link_revoke", "resident_link_issue", "delivery_retry"]
    assert sms_rows()[0].state == DeliveryState.DELIVERED


def test_a_failed_link_sms_whose_link_was_already_opened_keeps_that_link_live(org, make_order, clock, sms):
    order = make_order(contact_phone=OWNER)
    old_token = issue_intake_link(clerk(org), order)
    sms.script = ["isv.MOBILE_NUMBER_ILLEGAL"]
    worker.run(at=clock())
    from wuye.services.residents import link as links
    with transaction():
        links.resolve(old_token).first_opened_at = clock()
    retry(Actor(db.session.get(User, org.users["admin"].id), "10.0.0.3"), sms_rows()[0].id)
    worker.run(at=clock())
    assert links.resolve(old_token) is not None
    assert sent_params(sms)[2]["url"].rsplit("/", 1)[1] != old_token
    assert len(list(db.session.scalars(db.select(ResidentLink).where(ResidentLink.revoked_at.is_(None))))) == 2


def test_the_reply_sms_goes_to_a_complainant_not_on_file_who_agreed_at_intake(org, kit, clock, sms):
    c = kit.invalid(phone="13700000000", sms_consent=True)  # nobody on file has this number
    clock.advance(hours=3)
    kit.reply(c)
    assert worker.run(at=clock()).delivered == 1
    [sent] = sms.sent
    phone, code, params = sent_params(sms)
    assert (phone, code, params["number"]) == ("13700000000", "SMS_900014", c.number)
    assert params["result"] == "已电话告知处理结果" and sent["SignName"] == "翠湖物业"


def test_no_reply_sms_when_the_box_was_unticked_at_intake_even_if_the_contact_agreed_on_file(org, kit, clock, sms):
    kit.reply(kit.invalid(phone=OWNER, sms_consent=False))
    kit.reply(kit.invalid(phone="13700000000", sms_consent=False))
    worker.run(at=clock())
    assert sms_rows() == [] and sms.sent == []
    reply = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "reply"))
    assert reply.changes["sms"] is False
