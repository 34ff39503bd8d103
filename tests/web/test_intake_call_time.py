"""报修时间 at intake: backdated at most WUYE_BACKDATE_HOURS, never ahead beyond a minute of skew, and
an emergency filed already past its 15-minute arrival deadline is saved only once the clerk confirms."""
from __future__ import annotations

import re

from wuye.extensions import db
from wuye.models import AuditEvent, RepairOrder

from .test_intake import _error_for, _orders, _valid

# the clock fixture stands at 2026-11-27 14:00 in Shanghai


def _post(b, org, **over):
    b.get("/desk/repairs/new")
    return b.post("/desk/repairs/new", _valid(org, **over))


def test_the_time_of_the_call_may_be_backdated_up_to_72_hours(org, clock, as_role):
    r = _post(as_role("clerk"), org, called_at="2026-11-24T14:00")
    assert r.status_code == 303 and _orders() == 1


def test_a_call_time_further_back_than_72_hours_is_refused_at_its_field_and_nothing_is_saved(org, clock, as_role):
    r = _post(as_role("clerk"), org, called_at="2026-11-24T13:59")
    assert r.status_code == 422 and _orders() == 0
    assert "72" in _error_for(r.get_data(as_text=True), "called_at")


def test_the_backdate_limit_is_a_setting(org, clock, app, as_role):
    app.config["WUYE_BACKDATE_HOURS"] = 4
    b = as_role("clerk")
    assert _post(b, org, called_at="2026-11-27T09:59").status_code == 422
    assert _post(b, org, called_at="2026-11-27T10:00").status_code == 303


def test_the_backdate_limit_comes_from_the_environment(monkeypatch, tmp_path):
    from wuye.config import from_environment
    assert from_environment(str(tmp_path))["WUYE_BACKDATE_HOURS"] == 72
    monkeypatch.setenv("WUYE_BACKDATE_HOURS", "24")
    assert from_environment(str(tmp_path))["WUYE_BACKDATE_HOURS"] == 24


def test_a_call_time_ahead_of_the_clock_beyond_a_minute_is_refused_at_its_field(org, clock, as_role):
    b = as_role("clerk")
    r = _post(b, org, called_at="2026-11-27T14:02")
    assert r.status_code == 422 and _error_for(r.get_data(as_text=True), "called_at")
    assert _post(b, org, called_at="2026-11-27T14:01").status_code == 303  # a desk clock a little ahead


def test_the_time_picker_offers_only_the_allowed_range(org, clock, as_role):
    html = as_role("clerk").get("/desk/repairs/new").get_data(as_text=True)
    tag = re.search(r'<input[^>]*id="called_at"[^>]*>', html).group(0)
    assert 'min="2026-11-24T14:00"' in tag and 'max="2026-11-27T14:01"' in tag


def _emergency(**over):
    return {"urgency": "emergency", "appointment_date": "", "appointment_window": "", **over}


def test_an_emergency_filed_already_overdue_warns_and_waits_for_the_clerks_confirmation(org, clock, as_role):
    b = as_role("clerk")
    r = _post(b, org, **_emergency(called_at="2026-11-27T13:40"))
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and _orders() == 0
    assert "13:55" in html and 'name="overdue_confirmed"' in html  # when it passed, and the confirm button
    assert "王先生" in html  # what was typed is kept
    r = b.post("/desk/repairs/new", _valid(org, **_emergency(called_at="2026-11-27T13:40", overdue_confirmed="y")))
    assert r.status_code == 303
    order = db.session.scalar(db.select(RepairOrder))
    created = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "create"))
    assert order.urgency == "emergency" and created.changes["filed_overdue"] is True
    page = b.get(f"/desk/repairs/{order.number}").get_data(as_text=True)
    assert "登记时已超时（前台已确认）" in page


def test_an_emergency_within_its_15_minutes_is_saved_without_a_question(org, clock, as_role):
    r = _post(as_role("clerk"), org, **_emergency(called_at="2026-11-27T13:46"))
    assert r.status_code == 303
    assert "filed_overdue" not in db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "create")).changes


def test_a_normal_repair_backdated_past_15_minutes_asks_nothing(org, clock, as_role):
    assert _post(as_role("clerk"), org, called_at="2026-11-27T10:00").status_code == 303
