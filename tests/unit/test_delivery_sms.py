"""SMS to technicians for emergencies, through the Aliyun adapter, against a local stand-in that
checks the request's signature as Aliyun does."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.unit.test_deadlines import sh
from wuye.database import transaction
from wuye.extensions import db
from wuye.models import Delivery, DeliveryState
from wuye.services.delivery import worker
from wuye.services.delivery.sms import percent, sign

S = DeliveryState


@pytest.fixture
def tech(org, aliyun_sms):
    with transaction():
        db.session.merge(org.users["technician"]).phone = "13912345678"
    return db.session.merge(org.users["technician"])


def rows():
    db.session.expire_all()
    return list(db.session.scalars(db.select(Delivery).order_by(Delivery.id)))


def test_the_signature_follows_aliyuns_documented_example():
    # the worked example of Aliyun's SMS signature document: AccessKeySecret "testSecret", GET
    params = {"AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123",
              "PhoneNumbers": "15300000001", "RegionId": "cn-hangzhou", "SignName": "阿里云短信测试专用",
              "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
              "SignatureVersion": "1.0", "TemplateCode": "SMS_71390007",
              "TemplateParam": '{"customer":"test"}', "Timestamp": "2017-07-12T02:42:19Z", "Version": "2017-05-25"}
    assert sign(params, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="
    assert percent("a b*~") == "a%20b%2A~"


def test_an_emergency_reaches_the_technicians_phone_by_sms_and_a_normal_job_does_not(tech, make_order, clock,
                                                                                      aliyun_sms):
    make_order(technician=tech)
    order = make_order(urgency="emergency", technician=tech)
    [d] = rows()
    assert (d.channel, d.recipient) == ("sms", "13912345678")
    assert worker.run(at=clock()).delivered == 1
    [sent] = aliyun_sms.sent
    assert aliyun_sms.rejected == []
    assert (sent["PhoneNumbers"], sent["SignName"], sent["TemplateCode"]) == ("13912345678", "翠湖物业", "SMS_900001")
    assert json.loads(sent["TemplateParam"])["number"] == order.number
    assert rows()[0].gateway_id == "biz-1"


def test_a_bad_number_fails_at_once_and_flow_control_is_retried(tech, make_order, clock, aliyun_sms):
    make_order(urgency="emergency", technician=tech)
    make_order(urgency="emergency", technician=tech)
    aliyun_sms.script = ["isv.MOBILE_NUMBER_ILLEGAL", "isv.BUSINESS_LIMIT_CONTROL"]
    worker.run(at=clock())
    first, second = rows()
    assert first.state == S.FAILED and "MOBILE_NUMBER_ILLEGAL" in first.last_error
    assert second.state == S.PENDING and second.next_at == clock() + timedelta(seconds=30)


def test_the_daily_cap_per_phone_holds_the_third_sms_until_tomorrow_without_dropping_it(tech, make_order, clock,
                                                                                        aliyun_sms):
    for _ in range(3):
        make_order(urgency="emergency", technician=tech)
    report = worker.run(at=clock())
    assert (report.delivered, report.held) == (2, 1)
    third = rows()[2]
    assert third.state == S.PENDING and third.next_at == sh("00:00") + timedelta(days=1) and third.attempts == 0
    assert worker.run(at=sh("00:00") + timedelta(days=1)).delivered == 1
    assert len(aliyun_sms.sent) == 3
