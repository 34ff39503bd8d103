"""The front desk takes a call: the 报修单 form, its validation, and dispatch from the order page."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from wuye.extensions import db
from wuye.models import Notification, RepairCounter, RepairOrder


def _valid(org, **over):
    data = {
        "source": "phone", "unit_id": str(org.units[0].id), "contact_name": "王先生",
        "contact_phone": "138 1234 5678", "category": "plumbing_electric", "description": "厨房水龙头漏水",
        "urgency": "normal", "called_at": "2026-11-27T13:55", "appointment_date": "2026-11-28",
        "appointment_window": "10:00-12:00", "technician": "0", "reported_by": "0",
    }
    data.update(over)
    return data


def _error_for(html: str, field: str) -> str:
    m = re.search(rf'id="{field}-error">([^<]+)<', html)
    return m.group(1).strip() if m else ""


def _orders() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(RepairOrder))


def test_a_clerk_takes_a_call_and_the_order_page_shows_it(org, clock, as_role):
    b = as_role("clerk")
    b.get("/desk/repairs/new")
    r = b.post("/desk/repairs/new", _valid(org))
    assert r.status_code == 303
    order = db.session.scalar(db.select(RepairOrder))
    assert order.contact_phone == "13812345678"  # normalised
    assert order.number == "BX-20261127-0001"
    # the appointment is the agreed local window, stored in UTC
    assert order.appointment_start.hour == 2 and order.appointment_end.hour == 4
    page = b.get(r.headers["Location"]).get_data(as_text=True)
    assert order.number in page and "厨房水龙头漏水" in page


def test_intake_with_a_technician_dispatches_and_notifies_at_once(org, clock, as_role):
    b = as_role("clerk")
    b.get("/desk/repairs/new")
    tech = org.users["technician"]
    assert b.post("/desk/repairs/new", _valid(org, technician=str(tech.id))).status_code == 303
    order = db.session.scalar(db.select(RepairOrder))
    assert order.state == "dispatched"
    assert db.session.scalar(db.select(Notification).where(Notification.user_id == tech.id)).kind == "repair_dispatched"


@pytest.mark.parametrize("field,value", [
    ("unit_id", ""),
    ("contact_name", ""),
    ("contact_phone", ""),
    ("contact_phone", "12345"),
    ("contact_phone", "0123-4567"),
    ("category", ""),
    ("description", ""),
    ("description", "漏" * 2001),
    ("appointment_date", ""),
    ("appointment_window", ""),
    ("appointment_date", "2026-13-45"),
])
def test_each_invalid_field_gives_its_message_and_nothing_is_saved(org, clock, as_role, field, value):
    b = as_role("clerk")
    b.get("/desk/repairs/new")
    r = b.post("/desk/repairs/new", _valid(org, **{field: value}))
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert _error_for(html, field), f"no message for {field}"
    assert _orders() == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(RepairCounter)) == 0
    # what was typed is kept
    assert "王先生" in html or field == "contact_name"


def test_an_employee_report_needs_the_reporting_employee(org, clock, as_role):
    b = as_role("clerk")
    b.get("/desk/repairs/new")
    r = b.post("/desk/repairs/new", _valid(org, source="staff"))
    assert r.status_code == 422 and _error_for(r.get_data(as_text=True), "reported_by")
    r = b.post("/desk/repairs/new", _valid(org, source="staff", reported_by=str(org.users["staff"].id)))
    assert r.status_code == 303
    assert db.session.scalar(db.select(RepairOrder)).reported_by_id == org.users["staff"].id


def test_a_unit_of_another_project_is_refused(org, clock, as_role):
    b = as_role("clerk")
    b.get("/desk/repairs/new")
    r = b.post("/desk/repairs/new", _valid(org, unit_id=str(org.other_unit.id)))
    assert r.status_code == 422 and _orders() == 0


def test_a_technician_of_another_project_is_refused(org, clock, as_role):
    b = as_role("clerk")
    b.get("/desk/repairs/new")
    r = b.post("/desk/repairs/new", _valid(org, technician=str(org.users["p2_tech"].id)))
    assert r.status_code == 422 and _orders() == 0


def test_an_emergency_needs_no_appointment(org, clock, as_role):
    b = as_role("clerk")
    b.get("/desk/repairs/new")
    r = b.post("/desk/repairs/new", _valid(org, urgency="emergency", appointment_date="", appointment_window=""))
    assert r.status_code == 303
    assert db.session.scalar(db.select(RepairOrder)).appointment_start is None


def test_an_appointment_already_over_is_refused(org, clock, as_role):
    b = as_role("clerk")
    b.get("/desk/repairs/new")
    r = b.post("/desk/repairs/new", _valid(org, appointment_date="2026-11-26"))
    assert r.status_code == 422 and _orders() == 0


def test_unit_search_as_you_type_finds_by_room_short_form_and_phone(org, as_role):
    b = as_role("clerk")
    for q in ("1201", "3-2-1201", "3栋2单元12", "13800001201"):
        html = b.get(f"/desk/units/search?unit_query={q}", headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "3栋2单元1201" in html, q
        assert "<html" not in html  # a fragment, not a page
    assert "1栋1单元101" not in b.get("/desk/units/search?unit_query=101").get_data(as_text=True)


def test_picking_a_unit_shows_its_recent_orders_so_a_repeat_call_is_noticed(org, make_order, clock, as_role):
    earlier = make_order()
    html = as_role("clerk").get(f"/desk/units/{org.units[0].id}/pick", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert earlier.number in html and 'name="unit_id"' in html


def test_dispatch_reassign_and_cancel_from_the_order_page(org, make_order, clock, as_role):
    order = make_order()
    b = as_role("clerk")
    b.get(f"/desk/repairs/{order.number}")
    r = b.post(f"/desk/repairs/{order.number}/dispatch", {"dispatch-technician": org.users["technician"].id}, htmx=True)
    assert r.status_code == 204 and r.headers["HX-Redirect"].endswith(order.number)
    assert "order-changed" in r.headers["HX-Trigger"]
    r = b.post(f"/desk/repairs/{order.number}/reassign", {"reassign-technician": org.users["technician2"].id,
                                                          "reassign-reason": ""}, htmx=True)
    assert r.status_code == 422  # a reason is required; the form comes back with the message
    r = b.post(f"/desk/repairs/{order.number}/reassign", {"reassign-technician": org.users["technician2"].id,
                                                          "reassign-reason": "请假"}, htmx=True)
    assert r.status_code == 204
    r = b.post(f"/desk/repairs/{order.number}/cancel", {"cancel-reason": "业主取消"}, htmx=True)
    assert r.status_code == 204
    page = b.get(f"/desk/repairs/{order.number}").get_data(as_text=True)
    for reason in ("请假", "业主取消"):
        assert reason in page  # the timeline comes from the audit events
    r = b.post(f"/desk/repairs/{order.number}/cancel", {"cancel-reason": "again"}, htmx=True)
    assert r.status_code == 409


def test_the_board_filters_and_pages_by_keyset(org, make_order, clock, app, as_role):
    app.config["WUYE_PAGE_SIZE"] = 3
    orders = [make_order(urgency="emergency" if i % 2 else "normal") for i in range(7)]
    b = as_role("clerk")
    html = b.get("/desk/repairs").get_data(as_text=True)
    assert orders[-1].number in html and orders[-4].number not in html
    m = re.search(r'before=(\d+)', html)
    more = b.get(f"/desk/repairs?before={m.group(1)}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert orders[-4].number in more and orders[-1].number not in more
    emergencies = b.get("/desk/repairs?urgency=emergency", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert orders[1].number in emergencies and orders[0].number not in emergencies
    by_number = b.get(f"/desk/repairs?q={orders[2].number}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert orders[2].number in by_number and orders[3].number not in by_number


def test_the_board_answers_htmx_with_a_fragment_and_browsers_with_a_page(org, as_role):
    b = as_role("clerk")
    assert "<html" in b.get("/desk/repairs").get_data(as_text=True)
    fragment = b.get("/desk/repairs", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True) and "<table" in fragment.get_data(as_text=True)
    restore = b.get("/desk/repairs", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_the_printable_order_fits_a5_and_a4(org, make_order, clock, as_role):
    order = make_order()
    b = as_role("clerk")
    assert "print-a5.css" in b.get(f"/desk/repairs/{order.number}/print").get_data(as_text=True)
    assert "print-a4.css" in b.get(f"/desk/repairs/{order.number}/print?size=a4").get_data(as_text=True)
