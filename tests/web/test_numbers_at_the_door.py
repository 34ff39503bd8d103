"""Ids that fit no column and text that is not UTF-8: refused before anything reads or writes."""
from __future__ import annotations

import io

import pytest
from flask_babel import gettext

from tests.fixtures.payments import pay_order
from tests.fixtures.web import _as_another_client
from wuye.extensions import db
from wuye.models import RepairOrder
from wuye.models.job import FeeHandover

GBK_NAME = "王先生".encode("gbk")


def zh(app, msgid) -> str:
    with app.test_request_context():
        return gettext(msgid)


def _intake(org, **over):
    data = {"source": "phone", "unit_id": str(org.units[0].id), "contact_name": "王先生",
            "contact_phone": "13812345678", "category": "plumbing_electric", "description": "厨房水龙头漏水",
            "urgency": "normal", "called_at": "2026-11-27T13:55", "appointment_date": "2026-11-28",
            "appointment_window": "10:00-12:00", "technician": "0", "reported_by": "0"}
    data.update(over)
    return data


def _orders() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(RepairOrder))


@pytest.mark.parametrize("payment_id", ["2147483648", "9" * 30])
def test_a_payment_id_too_large_for_its_column_is_not_found(org, make_order, clock, as_role, payment_id):
    pay_order(org, make_order(technician=org.users["technician"]))
    b = as_role("housing_officer")
    b.get("/fees/")
    r = b.post(f"/fees/payments/{payment_id}/confirm", {"received": "120"})
    assert r.status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(FeeHandover)) == 0


@pytest.mark.parametrize("query", ["received=99999999999999999999", "received=-1", "received=NaN"])
def test_a_handover_id_in_the_query_that_cannot_be_one_is_ignored(org, as_role, query):
    assert as_role("housing_officer").get(f"/fees/?{query}").status_code == 200


def test_a_signature_id_too_large_for_its_column_is_not_found(org, make_order, clock, as_role):
    order = make_order(technician=org.users["technician"])
    assert as_role("technician").get(f"/tech/jobs/{order.number}/signatures/{'9' * 30}").status_code == 404
    assert as_role("clerk").get(f"/desk/repairs/{order.number}/signatures/2147483648").status_code == 404


def test_a_unit_id_too_large_for_its_column_is_the_fields_message(org, clock, as_role):
    b = as_role("clerk")
    b.get("/desk/repairs/new")
    r = b.post("/desk/repairs/new", _intake(org, unit_id="9" * 30))
    assert r.status_code == 422 and zh(b.client.application, "Choose the unit from the search results.") \
        in r.get_data(as_text=True)
    assert _orders() == 0


def test_text_sent_as_gbk_is_refused_at_the_door_and_nothing_is_written(app, org, clock, as_role):
    b = as_role("clerk")
    b.get("/desk/repairs/new")
    message = zh(app, "The text was not sent as UTF-8 (perhaps as GBK). Reload the page and try again.")
    r = b.post("/desk/repairs/new", _intake(org, contact_name=GBK_NAME))  # urlencoded, as a plain form posts
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    body = (b"--B\r\nContent-Disposition: form-data; name=\"contact_name\"\r\n\r\n" + GBK_NAME + b"\r\n--B--\r\n")
    r = _as_another_client(b.client.post, "/desk/repairs/new", data=body, headers={"X-CSRFToken": b.token},
                           content_type="multipart/form-data; boundary=B")
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    r = b.get("/desk/repairs", query_string={"q": GBK_NAME})
    assert r.status_code == 400
    assert _orders() == 0
    # the same form in UTF-8 passes the door, so the refusal was the encoding and nothing else
    assert b.post("/desk/repairs/new", _intake(org)).status_code == 303
    assert b.post("/desk/repairs/new", {**_intake(org), "x": (io.BytesIO(b"x"), "x.txt")},
                  content_type="multipart/form-data").status_code == 303
    assert _orders() == 2
