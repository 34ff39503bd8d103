"""At intake the SMS consent box defaults to the picked contact's record (may_receive_messages); the
desk may change it for the order, and what it decided is audited and obeyed."""
from __future__ import annotations

import json
import re

import pytest

from tests.web.test_intake import _valid
from wuye.database import transaction
from wuye.extensions import db
from wuye.models import AuditEvent, Delivery, RepairOrder, ResidentConsent
from wuye.services import orgs
from wuye.services.delivery import worker

OWNER = "13800001201"


@pytest.fixture
def sms(aliyun_sms, app):
    app.config["WUYE_SMS_TEMPLATES"] += ",resident_link=SMS_900010"
    app.extensions.pop("wuye.delivery.channels", None)
    return aliyun_sms


def _box(html: str) -> str:
    return re.search(r'<input type="checkbox" name="sms_consent"[^>]*>', html).group(0)


def _contacts(org, *contacts):
    with transaction():
        orgs.set_contacts(db.session.merge(org.units[0]), list(contacts))


def test_picking_a_unit_ticks_the_sms_consent_of_a_contact_who_agreed_on_file(org, clock, as_role):
    html = as_role("clerk").get(f"/desk/units/{org.units[0].id}/pick", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "checked" in _box(html) and 'hx-swap-oob="true"' in html
    assert "此联系人已同意接收短信" in html


def test_picking_a_unit_whose_contact_refused_messages_leaves_the_box_unticked(org, clock, as_role):
    _contacts(org, dict(name="业主1201", phone=OWNER, may_receive_messages=False),
              dict(kind="tenant", name="租户", phone="13911112222"))
    html = as_role("clerk").get(f"/desk/units/{org.units[0].id}/pick", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "checked" not in _box(html)
    assert "此联系人不接收短信" in html
    # each contact on file can be picked, carrying its own default for the box
    assert re.search(r'data-phone="13800001201"\s+data-consent="0"', html)
    assert re.search(r'data-phone="13911112222"\s+data-consent="1"', html)


def test_a_landline_contact_is_not_ticked_even_if_they_agreed(org, clock, as_role):
    _contacts(org, dict(name="业主1201", phone="0755-12345678", may_receive_messages=True))
    html = as_role("clerk").get(f"/desk/units/{org.units[0].id}/pick", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "checked" not in _box(html)


def test_the_new_order_form_starts_unticked_and_a_refused_save_keeps_the_desks_choice(org, clock, as_role):
    b = as_role("clerk")
    assert "checked" not in _box(b.get("/desk/repairs/new").get_data(as_text=True))
    r = b.post("/desk/repairs/new", _valid(org, contact_phone=OWNER, description="", sms_consent="y"))
    assert r.status_code == 422 and "checked" in _box(r.get_data(as_text=True))


def test_an_order_taken_with_the_box_ticked_sends_the_link_by_sms_after_intake(org, clock, as_role, sms):
    b = as_role("clerk")
    b.get("/desk/repairs/new")
    r = b.post("/desk/repairs/new", _valid(org, contact_phone=OWNER, sms_consent="y"))
    assert r.status_code == 303
    page = b.get(r.headers["Location"]).get_data(as_text=True)
    token = re.search(r'/s/([A-Za-z0-9_-]{30,})', page).group(1)
    assert "138****1201" in page  # the card says the contact agreed to SMS
    assert worker.run(at=clock()).delivered == 1
    [sent] = sms.sent
    assert sent["PhoneNumbers"] == OWNER and sent["TemplateCode"] == "SMS_900010"
    assert json.loads(sent["TemplateParam"])["url"].endswith(f"/s/{token}")
    # 11-28 10:00–12:00 was agreed, in the project's zone
    assert json.loads(sent["TemplateParam"])["start"] == "11-28 10:00"


def test_unticking_the_box_for_a_contact_who_agreed_on_file_sends_nothing_and_is_audited(org, clock, as_role, sms):
    b = as_role("clerk")
    b.get("/desk/repairs/new")
    assert b.post("/desk/repairs/new", _valid(org, contact_phone=OWNER)).status_code == 303
    order = db.session.scalar(db.select(RepairOrder))
    assert db.session.scalar(db.select(ResidentConsent)) is None and db.session.scalar(db.select(Delivery)) is None
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "resident_sms_refused"))
    assert event.subject_id == order.id and event.changes["stored"] is True and event.changes["changed"] is True


def test_ticking_the_box_for_a_landline_is_refused_with_a_message_and_nothing_saved(org, clock, as_role, sms):
    b = as_role("clerk")
    b.get("/desk/repairs/new")
    r = b.post("/desk/repairs/new", _valid(org, contact_phone="0755-12345678", sms_consent="y"))
    assert r.status_code == 422 and "不是手机号" in r.get_data(as_text=True)
    assert db.session.scalar(db.select(RepairOrder)) is None
