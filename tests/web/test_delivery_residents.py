"""SMS to the resident: the private link when the contact agreed (recorded), then "the technician is
on the way" for that order only; the link leaves the database once the SMS is sent."""
from __future__ import annotations

import json
import re

import pytest

from tests.fixtures.journey import Journey
from wuye.extensions import db
from wuye.models import AuditEvent, Delivery, ResidentConsent, ResidentMessage
from wuye.services.delivery import worker


@pytest.fixture
def resident_sms(aliyun_sms, app):
    app.config["WUYE_SMS_TEMPLATES"] += ",resident_link=SMS_900010,resident_on_the_way=SMS_900011"
    app.extensions.pop("wuye.delivery.channels", None)
    return aliyun_sms



def test_the_link_goes_by_sms_when_the_contact_agrees_and_the_technician_on_the_way_follows(
        org, as_role, make_order, clock, resident_sms):
    clerk = as_role("clerk")
    order = make_order(technician=org.users["technician"])
    r = clerk.post(f"/desk/repairs/{order.number}/resident-links", htmx=True)
    html = r.get_data(as_text=True)
    assert "客户同意接收短信" in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    r = clerk.post(f"/settings/resident-sms/{order.number}", {"token": token})
    assert r.status_code in (302, 303), r.get_data(as_text=True)
    assert db.session.scalar(db.select(ResidentConsent)).phone == "13812345678"
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "resident_sms_consent")) is not None
    assert worker.run(at=clock()).delivered == 1
    [sent] = resident_sms.sent
    assert sent["PhoneNumbers"] == "13812345678" and sent["TemplateCode"] == "SMS_900010"
    assert json.loads(sent["TemplateParam"])["url"].endswith(f"/s/{token}")
    db.session.expire_all()
    assert "url" not in db.session.scalar(db.select(ResidentMessage)).params  # the link is gone from the outbox
    Journey(order).to("depart")
    assert worker.run(at=clock()).delivered == 1
    assert resident_sms.sent[1]["TemplateCode"] == "SMS_900011"
    assert json.loads(resident_sms.sent[1]["TemplateParam"])["number"] == order.number


def test_without_the_contacts_agreement_the_resident_gets_no_sms(org, make_order, clock, resident_sms):
    order = make_order(technician=org.users["technician"])
    Journey(order).to("depart")
    assert db.session.scalar(db.select(Delivery)) is None and resident_sms.sent == []


def test_a_token_that_is_not_the_orders_live_link_is_refused(org, as_role, make_order, clock, resident_sms):
    order = make_order(technician=org.users["technician"])
    r = as_role("clerk").post(f"/settings/resident-sms/{order.number}", {"token": "not-a-token"})
    assert r.status_code == 400 and db.session.scalar(db.select(ResidentConsent)) is None
