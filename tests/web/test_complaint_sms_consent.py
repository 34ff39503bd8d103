"""At complaint intake the box "the complainant agrees to an SMS with the reply" defaults to the stored
consent of the contact with the number typed; the employee may change it for this complaint, which is
audited in the intake's transaction; a landline ticked is refused with a message."""
from __future__ import annotations

import re

from wuye.extensions import db
from wuye.models import AuditEvent, Complaint, ResidentConsent

from .test_intake_sms_consent import OWNER, _box, _contacts


def _html(r) -> str:
    return r.get_data(as_text=True)


def _form(org, **kw):
    return {"channel": "phone", "unit_id": org.units[0].id, "complainant_name": "王女士",
            "content": "楼道灯坏了一周", "received_at": "2026-11-27T13:50", **kw}


def test_the_new_complaint_form_has_the_reply_sms_box_unticked(kit, as_role):
    page = _html(as_role("staff").get("/complaints/new"))
    assert "checked" not in _box(page) and "投诉人同意接收答复短信" in page
    assert 'hx-get="/complaints/consent"' in page


def test_the_box_is_ticked_for_a_number_whose_contact_agreed_on_file(kit, as_role, org):
    b = as_role("staff")
    page = _html(b.get(f"/complaints/consent?complainant_phone={OWNER}&unit_id={org.units[0].id}"))
    assert "checked" in _box(page) and "此联系人已同意接收短信" in page


def test_a_unit_id_that_cannot_be_one_is_no_unit_and_the_box_still_follows_the_number(kit, as_role, org):
    b = as_role("staff")
    for bad in ("9" * 30, "2147483648", "-1", "abc"):
        r = b.get(f"/complaints/consent?complainant_phone={OWNER}&unit_id={bad}")
        assert r.status_code == 200 and 'id="sms_consent"' in _html(r), bad


def test_the_box_is_unticked_for_a_number_not_on_file_a_refusal_or_a_landline(kit, as_role, org):
    b = as_role("staff")
    page = _html(b.get("/complaints/consent?complainant_phone=13700000000"))
    assert "checked" not in _box(page) and "请询问投诉人" in page
    _contacts(org, dict(name="业主1201", phone=OWNER, may_receive_messages=False),
              dict(kind="tenant", name="租户", phone="0755-12345678", may_receive_messages=True))
    page = _html(b.get(f"/complaints/consent?complainant_phone={OWNER}&unit_id={org.units[0].id}"))
    assert "checked" not in _box(page) and "此联系人不接收短信" in page
    page = _html(b.get(f"/complaints/consent?complainant_phone=0755-12345678&unit_id={org.units[0].id}"))
    assert "checked" not in _box(page)


def test_ticking_the_box_for_a_complainant_not_on_file_is_stored_for_the_complaint_and_audited(kit, as_role, org):
    b = as_role("staff")
    b.get("/complaints/new")
    r = b.post("/complaints/new", _form(org, complainant_phone="137 0000 0000", sms_consent="y"))
    assert r.status_code == 303
    c = db.session.scalar(db.select(Complaint))
    consent = db.session.scalar(db.select(ResidentConsent))
    assert (consent.complaint_id, consent.order_id, consent.phone) == (c.id, None, "13700000000")
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "complainant_sms_consent"))
    assert event.subject_type == "complaint" and event.subject_id == c.id
    assert event.changes["stored"] is None and event.changes["changed"] is True


def test_unticking_the_box_for_a_contact_who_agreed_on_file_stores_no_consent_and_is_audited(kit, as_role, org):
    b = as_role("staff")
    b.get("/complaints/new")
    assert b.post("/complaints/new", _form(org, complainant_phone=OWNER)).status_code == 303
    c = db.session.scalar(db.select(Complaint))
    assert db.session.scalar(db.select(ResidentConsent)) is None
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "complainant_sms_refused"))
    assert event.subject_id == c.id and event.changes["stored"] is True and event.changes["changed"] is True


def test_ticking_the_box_for_a_landline_is_refused_with_a_message_and_nothing_saved(kit, as_role, org):
    b = as_role("staff")
    b.get("/complaints/new")
    r = b.post("/complaints/new", _form(org, complainant_phone="0755-12345678", sms_consent="y"))
    page = _html(r)
    assert r.status_code == 422 and "投诉人的号码不是手机号" in page
    assert "checked" in _box(page)  # the employee's choice is kept on the form
    assert re.search(r'<small class="error">投诉人的号码不是手机号', page)
    assert db.session.scalar(db.select(db.func.count()).select_from(Complaint)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.subject_type == "complaint")) == 0
