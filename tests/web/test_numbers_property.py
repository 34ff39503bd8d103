"""Every form that takes a number or money, over HTTP with CSRF on, fed by Hypothesis with what
people and scripts type — '¥1,234.50', '１２０', '120元', NaN, Infinity, 1e12, -0, thirty digits,
any text: the answer is never a 500; a refusal is a 422 with its message in Chinese and writes
nothing; an acceptance stores exactly what wuye.money reads from the text."""
from __future__ import annotations

import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fixtures.hypo import COUNT, hypothesis_settings, outcome
from tests.fixtures.images import signature_png
from tests.fixtures.journey import Journey
from wuye import money
from wuye.extensions import db
from wuye.models import AuditEvent, RepairOrder
from wuye.models.job import FeeHandover, Payment, PriceItem, Quote

FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")
NOT_NUMBERS = ["NaN", "nan", "Infinity", "-Infinity", "inf", "1e12", "1E3", "-0", "0x10", "9" * 30, "9" * 5000,
               "1.005", "-1", "+1", "12,34", "", " ", "¥", "元", "١٢٠"]


@st.composite
def yuan_typed(draw, max_fen: int = 2 * money.MAX_FEN) -> str:
    """An amount as a person may type it: plain, with two decimals, ¥ and commas, 元, full width."""
    fen = draw(st.integers(0, max_fen))
    whole, cents = divmod(fen, 100)
    text = draw(st.sampled_from([f"{whole}", f"{whole}.{cents:02d}", f"¥{whole:,}.{cents:02d}", f"{whole}元",
                                 f"{whole}.{cents:02d}".translate(FULL_WIDTH), f"￥{whole}"]))
    return text


def number_text(typed=yuan_typed()) -> st.SearchStrategy[str]:
    return st.one_of(typed, typed, typed, st.sampled_from(NOT_NUMBERS), st.floats().map(str),
                     st.decimals().map(str), st.text(max_size=12))


def counts() -> tuple[int, ...]:
    return tuple(db.session.scalar(db.select(db.func.count()).select_from(m))
                 for m in (AuditEvent, Quote, Payment, FeeHandover))


def refused_in_chinese(r) -> bool:
    html = r.get_data(as_text=True)
    return r.status_code == 422 and bool(re.search(r'class="(alert alert-error|error)"[^>]*>[^<]*[\u4e00-\u9fff]', html)
                                         or re.search(r'-error">[^<]*[\u4e00-\u9fff]', html))


def parsed(parse, text):
    try:
        return parse(text)
    except money.NumberError:
        return None


class Ready:
    """One order in the state a form needs, reused until a case is accepted and uses it up."""

    def __init__(self, make):
        self.make, self.order_id = make, None

    def get(self) -> RepairOrder:
        if self.order_id is None:
            self.order_id = self.make().id
        return db.session.get(RepairOrder, self.order_id)

    def used(self):
        self.order_id = None


def ready_at(org, make_order, step):
    def make():
        order = make_order(technician=org.users["technician"])
        Journey(order).to(step)
        return order
    return Ready(make)


# function-scoped fixtures are made once per test and shared by its Hypothesis cases
@pytest.fixture
def on_site(org, make_order, clock):
    return ready_at(org, make_order, "arrive")


@pytest.fixture
def signed(org, make_order, clock):
    return ready_at(org, make_order, "sign_acceptance")


@pytest.fixture
def cash(org, make_order, clock):
    from tests.fixtures.payments import pay_order

    class Pending(Ready):
        def get(self) -> Payment:
            if self.order_id is None:
                self.order_id = pay_order(org, make_order(technician=org.users["technician"])).id
            return db.session.get(Payment, self.order_id)
    return Pending(None)


@pytest.fixture
def technician(as_role):
    return as_role("technician")


@pytest.fixture
def officer(as_role):
    return as_role("housing_officer")


@pytest.fixture
def clerk(as_role):
    return as_role("clerk")


@hypothesis_settings(60)
@given(hours=number_text(st.sampled_from(["0", "1", "1.5", "0.25", "24", "２", "0.33"])),
       qty=number_text(st.sampled_from(["1", "2", "0.5", "1.25", "10000", "３"])),
       price=number_text(yuan_typed(money.MAX_FEN // 1000)))
def test_the_quote_form_stores_the_fee_of_what_was_typed_or_refuses_it_whole(org, on_site, technician, hours, qty,
                                                                             price):
    name = "form: quote (hours, quantity, price as typed)"
    COUNT[name] += 1
    tap = db.session.scalar(db.select(PriceItem).where(PriceItem.code == "tap", PriceItem.project_id == org.p1.id))
    ready, b = on_site, technician
    order = ready.get()
    b.get(f"/tech/jobs/{order.number}")
    before = counts()
    r = b.post(f"/tech/jobs/{order.number}/consent", {
        "q-labour_hours": hours, "q-item": str(tap.id), "q-name": tap.name, "q-unit": tap.unit, "q-qty": qty,
        "q-price": price, "q-reason": "换了型号", "q-signature": (io.BytesIO(signature_png()), "signature.png")},
        content_type="multipart/form-data")
    minutes, milli = parsed(money.parse_hours, hours), parsed(money.parse_quantity, qty)
    fen = parsed(money.parse_yuan, price) if price.strip() else tap.price_fen
    fee = None
    if None not in (minutes, milli, fen):
        fee = parsed(lambda _: money.fee(5000, minutes, [(fen, milli)]), None)
    assert r.status_code in (303, 422) or (r.status_code == 400 and "\x00" in hours + qty + price), r.status_code
    if r.status_code == 400:  # a NUL, refused at the door: nothing written
        assert counts() == before
        return
    outcome(name, r.status_code == 303)
    if r.status_code == 422:
        assert fee is None and refused_in_chinese(r) and counts() == before
        return
    ready.used()
    quote = db.session.scalar(db.select(Quote).where(Quote.order_id == order.id))
    assert fee is not None and (quote.labour_minutes, quote.total_fen) == (minutes, fee.total_fen)
    assert (quote.lines[0].quantity_milli, quote.lines[0].unit_price_fen) == (milli, fen)


@hypothesis_settings(40)
@given(amount=number_text(st.sampled_from(["120", "120.00", "¥120.00", "１２０", "120元", "100", "0"])))
def test_the_payment_form_stores_the_amount_typed_or_refuses_it(org, signed, technician, amount):
    name = "form: payment amount as typed"
    COUNT[name] += 1
    ready, b = signed, technician
    order = ready.get()
    b.get(f"/tech/jobs/{order.number}")
    before = counts()
    r = b.post(f"/tech/jobs/{order.number}/pay", {"pay-method": "cash", "pay-amount": amount, "pay-receipt_no": "R-7",
                                                  "pay-difference_reason": "优惠"})
    fen = parsed(money.parse_yuan, amount)
    assert r.status_code in (303, 422) or (r.status_code == 400 and "\x00" in amount), r.status_code
    if r.status_code == 400:  # a NUL, refused at the door: nothing written
        assert counts() == before
        return
    outcome(name, r.status_code == 303)
    if r.status_code == 422:
        assert fen is None and refused_in_chinese(r) and counts() == before
        return
    ready.used()
    assert db.session.scalar(db.select(Payment.amount_fen).where(Payment.order_id == order.id)) == fen


@hypothesis_settings(40)
@given(received=number_text(st.sampled_from(["120", "120.00", "¥120", "１２０．００", "110"])),
       note=st.sampled_from(["", "  ", "少了10元"]))
def test_the_handover_form_stores_the_cash_counted_or_refuses_it(org, cash, officer, received, note):
    name = "form: cash received as typed"
    COUNT[name] += 1
    payment, b = cash.get(), officer
    b.get("/fees/")
    before = counts()
    r = b.post(f"/fees/payments/{payment.id}/confirm", {f"p{payment.id}-received": received,
                                                          f"p{payment.id}-note": note})
    fen = parsed(money.parse_yuan, received)
    assert r.status_code in (303, 422) or (r.status_code == 400 and "\x00" in received + (note or "")), r.status_code
    if r.status_code == 400:  # a NUL, refused at the door: nothing written
        assert counts() == before
        return
    outcome(name, r.status_code == 303)
    if r.status_code == 422:
        assert (fen is None or (fen != payment.amount_fen and not note.strip())) and refused_in_chinese(r)
        assert counts() == before
        return
    cash.used()
    h = db.session.scalar(db.select(FeeHandover).where(FeeHandover.payment_id == payment.id))
    assert (h.received_fen, h.note) == (fen, note.strip() or None)


ids_typed = st.one_of(st.integers(0, 20).map(str), st.integers(0, 20).map(str), st.sampled_from(NOT_NUMBERS + ["2147483647", "2147483648"]),
                      st.integers(-(2 ** 70), 2 ** 70).map(str), st.text(max_size=8))


@hypothesis_settings(60)
@given(before=ids_typed, unit=ids_typed, technician=ids_typed)
def test_the_repair_board_filters_take_any_id_without_a_500(clerk, before, unit, technician):
    COUNT["form: repair board filter ids (before, unit, technician)"] += 1
    r = clerk.get("/desk/repairs", query_string={"before": before, "unit": unit, "technician": technician},
                      headers={"HX-Request": "true"})
    assert r.status_code in (200, 422) or (r.status_code == 400 and "\x00" in before + unit + technician), r.status_code


@hypothesis_settings(60)
@given(unit_id=ids_typed, technician=ids_typed)
def test_the_intake_form_takes_any_unit_or_technician_id_and_writes_nothing_when_refused(clerk, clock, unit_id,
                                                                                        technician):
    COUNT["form: repair intake ids (unit, technician)"] += 1
    b = clerk
    from datetime import timedelta

    from wuye.clock import now
    from wuye.i18n import local_day
    b.get("/desk/repairs/new")
    tomorrow = (local_day(now(), "Asia/Shanghai") + timedelta(days=1)).isoformat()
    before = db.session.scalar(db.select(db.func.count()).select_from(RepairOrder))
    r = b.post("/desk/repairs/new", {"source": "phone", "unit_id": unit_id, "contact_name": "王先生",
                                     "contact_phone": "13812345678", "category": "plumbing_electric",
                                     "description": "水龙头漏水", "urgency": "normal",
                                     "appointment_date": tomorrow,
                                     "appointment_window": "14:00-16:00", "technician": technician})
    assert r.status_code in (303, 422) or (r.status_code == 400 and "\x00" in unit_id + technician), r.status_code
    outcome("form: repair intake ids (unit, technician)", r.status_code == 303)
    after = db.session.scalar(db.select(db.func.count()).select_from(RepairOrder))
    assert after == before + (r.status_code == 303)


@hypothesis_settings(40)
@given(unit_id=ids_typed)
def test_a_complaint_names_any_unit_id_without_a_500_and_a_refusal_writes_nothing(org, clerk, clock, unit_id):
    name = "form: complaint intake unit id"
    COUNT[name] += 1
    from wuye.models import Complaint
    clerk.get("/complaints/new")
    before = db.session.scalar(db.select(db.func.count()).select_from(Complaint))
    r = clerk.post("/complaints/new", {"channel": "visit", "unit_id": unit_id, "complainant_name": "李女士",
                                       "complainant_phone": "13812345678", "content": "楼道灯坏了一周没人修"})
    assert r.status_code in (303, 422) or (r.status_code == 400 and "\x00" in unit_id), r.status_code
    outcome(name, r.status_code == 303)
    after = db.session.scalar(db.select(db.func.count()).select_from(Complaint))
    assert after == before + (r.status_code == 303)


@pytest.fixture
def resident_form(org, make_order, clock, anon):
    """A resident on the private link of a completed order, the 服务单 sent once (changeable for 24 h)."""
    from wuye.services import Actor
    from wuye.services.residents import link as links
    order = make_order(technician=org.users["technician"])
    Journey(order).to("pay")
    _link, token = links.issue_link(Actor(org.users["clerk"], "x"), db.session.get(RepairOrder, order.id))
    anon.get(f"/s/{token}")
    return anon, token, order.id


def _score(text: str) -> int | None:
    """A score as the radio field reads it (int(): ' 3 ', '+3', full-width '５' are 3 and 5)."""
    try:
        value = int(text)
    except ValueError:
        return None
    return value if 1 <= value <= 5 else None


scores_typed = st.one_of(st.integers(1, 5).map(str), st.integers(1, 5).map(str), st.integers(1, 5).map(str),
                         st.sampled_from(NOT_NUMBERS + ["0", "6", "５", " 3 ", "+3", "3.0"]), st.integers().map(str))


@hypothesis_settings(40)
@given(scores=st.lists(scores_typed, min_size=4, max_size=4))
def test_the_service_form_keeps_scores_from_1_to_5_as_typed_and_refuses_any_other(resident_form, scores):
    name = "form: 服务单 scores as typed"
    COUNT[name] += 1
    from wuye.models.resident import ServiceForm
    b, token, order_id = resident_form
    from wuye.services.residents import service_form
    b.get(f"/s/{token}")
    before = db.session.scalar(db.select(ServiceForm).where(ServiceForm.order_id == order_id))
    seen = service_form.version(before) if before else ""  # the answers this tab was opened on
    kept = before and (before.overall, before.timeliness, before.attitude, before.quality)
    r = b.post(f"/s/{token}/form", dict(zip(("overall", "timeliness", "attitude", "quality"), scores),
                                        version=seen))
    valid = all(_score(s) is not None for s in scores)
    assert r.status_code in (303, 422) or (r.status_code == 400 and "\x00" in "".join(scores)), r.status_code
    outcome(name, r.status_code == 303)
    db.session.expire_all()
    form = db.session.scalar(db.select(ServiceForm).where(ServiceForm.order_id == order_id))
    if r.status_code == 303:
        assert valid and (form.overall, form.timeliness, form.attitude, form.quality) == tuple(_score(s) for s in scores)
    else:
        assert not valid and (form and (form.overall, form.timeliness, form.attitude, form.quality)) == kept
