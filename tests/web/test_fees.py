"""Fees to the housing officer (房管员): cash per technician, per order; each handover confirmed with
the amount received; a difference flagged with both names; the day's reconciliation."""
from __future__ import annotations

import re

import pytest
from flask_babel import gettext

from tests.fixtures.payments import pay_order
from wuye.extensions import db
from wuye.models import Notification, RepairOrder
from wuye.models.job import FeeHandover


def zh(app, msgid, **kw) -> str:
    with app.test_request_context():
        return gettext(msgid, **kw)


def _handovers() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(FeeHandover))


@pytest.fixture
def cash(org, make_order, clock):
    """Two technicians back at base with the cash of three orders, and one WeChat payment."""
    a = pay_order(org, make_order(technician=org.users["technician"]), receipt="R-101")
    b = pay_order(org, make_order(technician=org.users["technician"], unit=org.units[1]), receipt="R-102")
    c = pay_order(org, make_order(technician=org.users["technician2"], unit=org.units[2]), receipt="R-201")
    w = pay_order(org, make_order(technician=org.users["technician2"]), method="wechat", receipt="W-1")
    return a, b, c, w


def _officer(as_role):
    b = as_role("housing_officer")
    b.get("/fees/")
    return b


def test_the_housing_officer_lands_on_the_cash_each_technician_holds(app, cash, as_role, anon):
    a, b, c, w = cash
    anon.get("/login")
    r = anon.post("/login", {"username": "housing_officer", "password": "correct-horse-9"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/fees/")
    page = anon.get("/fees/").get_data(as_text=True)
    for receipt in ("R-101", "R-102", "R-201"):
        assert receipt in page
    assert "W-1" not in page  # WeChat money never passed through the technician's hands
    assert "technician-name" in page and "李志强" in page and "¥240.00" in page  # the first technician's total
    assert "3栋2单元1202" in page
    assert re.search(r'id="fees-badge"><span class="badge">3</span>', page)
    assert f'action="/fees/payments/{a.id}/confirm"' in page


def test_confirming_the_expected_amount_records_the_handover(app, cash, as_role):
    a = cash[0]
    officer = _officer(as_role)
    r = officer.post(f"/fees/payments/{a.id}/confirm", {f"p{a.id}-received": "120.00"})
    assert r.status_code == 303
    h = db.session.scalar(db.select(FeeHandover))
    assert (h.payment_id, h.expected_fen, h.received_fen, h.note) == (a.id, 12000, 12000, None)
    page = officer.get(r.headers["Location"]).get_data(as_text=True)
    number = db.session.get(RepairOrder, a.order_id).number
    assert zh(app, "Received %(received)s from %(technician)s for %(number)s.", received="¥120.00",
              technician="technician-name", number=number) in page
    assert f'action="/fees/payments/{a.id}/confirm"' not in page  # no longer pending


def test_a_difference_needs_a_note_and_is_flagged_with_both_names(app, org, cash, as_role):
    a = cash[0]
    officer = _officer(as_role)
    r = officer.post(f"/fees/payments/{a.id}/confirm", {f"p{a.id}-received": "110"})
    message = zh(app, "The amount received differs from the amount expected: note what the technician said.")
    assert r.status_code == 422 and re.search(rf'id="p{a.id}-note-error">{re.escape(message)}<', r.get_data(as_text=True))
    assert _handovers() == 0

    r = officer.post(f"/fees/payments/{a.id}/confirm", {f"p{a.id}-received": "110", f"p{a.id}-note": "少了10元，说是找零"},
                     htmx=True)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "<html" not in html
    flag = zh(app, "Short by %(amount)s: handed over by %(technician)s, received by %(officer)s",
              amount="¥10.00", technician="technician-name", officer="housing_officer-name")
    assert flag in html
    assert '<span id="fees-badge" hx-swap-oob="true"><span class="badge">2</span></span>' in html
    assert db.session.scalar(db.select(FeeHandover)).difference_fen == -1000
    # the technician is told, and sees the same flag on their cash page
    note = db.session.scalar(db.select(Notification).where(Notification.kind == "fee_difference"))
    assert note.user_id == org.users["technician"].id
    assert flag in as_role("technician").get("/tech/fees").get_data(as_text=True)
    assert flag in officer.get("/fees/daily").get_data(as_text=True)


def test_more_than_expected_is_flagged_as_over(app, cash, as_role):
    c = cash[2]
    officer = _officer(as_role)
    r = officer.post(f"/fees/payments/{c.id}/confirm", {f"p{c.id}-received": "125", f"p{c.id}-note": "多给了5元"})
    assert r.status_code == 303
    page = officer.get(r.headers["Location"]).get_data(as_text=True)
    assert zh(app, "Over by %(amount)s: handed over by %(technician)s, received by %(officer)s",
              amount="¥5.00", technician="李志强", officer="housing_officer-name") in page


@pytest.mark.parametrize("typed, message", [
    ("-10", "The amount cannot be negative."),
    ("abc", "Enter the amount in yuan, like 120 or 120.50."),
    ("1e3", "Enter the amount in yuan, like 120 or 120.50."),
    ("", "Enter the amount received."),
    ("12.345", "An amount has at most two decimals (fen)."),
    ("99999999", "That amount is too large: at most ¥1,000,000.00."),
    ("NaN", "Enter the amount in yuan, like 120 or 120.50."),
    ("Infinity", "Enter the amount in yuan, like 120 or 120.50."),
    ("-0", "The amount cannot be negative."),
])
def test_bad_amounts_are_refused_with_their_message_and_nothing_is_saved(app, cash, as_role, typed, message):
    a = cash[0]
    officer = _officer(as_role)
    for htmx in (False, True):
        r = officer.post(f"/fees/payments/{a.id}/confirm", {f"p{a.id}-received": typed, f"p{a.id}-note": "x"},
                         htmx=htmx)
        html = r.get_data(as_text=True)
        assert r.status_code == 422
        assert re.search(rf'id="p{a.id}-received-error">{re.escape(zh(app, message))}<', html)
        if typed:
            assert f'value="{typed}"' in html  # what was typed stays, to be corrected
    assert _handovers() == 0


def test_a_clerk_cannot_confirm_fees(cash, as_role):
    a = cash[0]
    clerk = as_role("clerk")
    assert clerk.get("/fees/").status_code == 403
    assert clerk.post(f"/fees/payments/{a.id}/confirm", {f"p{a.id}-received": "120"}).status_code == 403
    assert _handovers() == 0


def test_a_payment_of_another_project_or_not_in_cash_answers_404(org, cash, as_role):
    from wuye.services import Actor, orgs
    a, _b, _c, w = cash
    orgs.add_user(Actor(None, "cli"), "p2_officer", "housing_officer", "P2", "correct-horse-9", name="P2 officer")
    other = as_role("p2_officer")
    assert "R-101" not in other.get("/fees/").get_data(as_text=True)
    assert other.post(f"/fees/payments/{a.id}/confirm", {f"p{a.id}-received": "120"}).status_code == 404
    officer = _officer(as_role)
    assert officer.post(f"/fees/payments/{w.id}/confirm", {f"p{w.id}-received": "120"}).status_code == 404
    assert officer.post("/fees/payments/999999/confirm", {"p999999-received": "120"}).status_code == 404
    assert _handovers() == 0


def test_a_payment_is_handed_over_once(app, cash, as_role):
    a = cash[0]
    officer = _officer(as_role)
    assert officer.post(f"/fees/payments/{a.id}/confirm", {f"p{a.id}-received": "120"}).status_code == 303
    r = officer.post(f"/fees/payments/{a.id}/confirm", {f"p{a.id}-received": "100", f"p{a.id}-note": "again"})
    assert r.status_code == 422 and zh(app, "This payment was already handed over.") in r.get_data(as_text=True)
    assert db.session.scalar(db.select(FeeHandover)).received_fen == 12000


def test_a_technician_sees_only_the_cash_they_hold(app, cash, as_role):
    page = as_role("technician").get("/tech/fees").get_data(as_text=True)
    assert "R-101" in page and "R-102" in page and "R-201" not in page
    assert "¥240.00" in page
    other = as_role("technician2").get("/tech/fees").get_data(as_text=True)
    assert "R-201" in other and "R-101" not in other and "¥120.00" in other


def test_the_daily_reconciliation_per_technician_and_by_method(app, org, cash, as_role, clock):
    a, b, c, _w = cash
    officer = _officer(as_role)
    officer.post(f"/fees/payments/{a.id}/confirm", {f"p{a.id}-received": "120"})
    officer.post(f"/fees/payments/{b.id}/confirm", {f"p{b.id}-received": "100", f"p{b.id}-note": "差20元，明天补"})
    page = officer.get("/fees/daily").get_data(as_text=True)
    assert "2026-11-27" in page
    assert "¥240.00" in page and "¥220.00" in page and "-¥20.00" in page  # expected, received, difference
    assert "差20元，明天补" in page
    assert zh(app, "WeChat Pay") in page and zh(app, "Cash") in page
    assert "¥360.00" in page  # the day's cash payments: three orders at ¥120
    # R-201 was paid today in cash and is still with 李志强
    assert zh(app, "%(amount)s of the cash paid on this day is still with the technicians.", amount="¥120.00") in page

    earlier = officer.get("/fees/daily?day=2026-11-26").get_data(as_text=True)
    assert zh(app, "No cash was handed over on this day.") in earlier


@pytest.mark.parametrize("day", ["yesterday", "2026-13-01", "2026-11-28"])
def test_a_day_that_is_not_a_past_date_is_refused_with_a_message(app, cash, as_role, day):
    r = _officer(as_role).get(f"/fees/daily?day={day}")
    assert r.status_code == 422
    assert 'role="alert"' in r.get_data(as_text=True) and "2026-11-27" in r.get_data(as_text=True)
