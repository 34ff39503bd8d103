"""Money is integer fen, typed in yuan: one parser for every form, one rounding rule for the fee
(the phone's preview asserts the same table: tests/e2e/test_fee_rounding.py)."""
from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.fixtures.hypo import COUNT, SETTINGS
from wuye import money
from wuye.i18n import money as shown

FEE_CASES = json.loads((Path(__file__).parent.parent / "fixtures" / "fee_cases.json").read_text("utf-8"))


@pytest.mark.parametrize("typed, fen", [
    ("120", 12000), ("120.5", 12050), ("120.50", 12050), ("0", 0), ("0.01", 1), ("¥1,200.00", 120000),
    ("１２０．５", 12050), ("￥120", 12000), ("120元", 12000), ("120。5", 12050), (" 120 ", 12000), ("120.", 12000),
    ("120.500", 12050), ("１２０", 12000), ("¥1,234.50", 123450), (".5", 50), ("1,000,000", 100_000_000),
    ("¥ 1 200", 120000),
])
def test_amounts_are_typed_in_yuan_and_kept_in_fen(typed, fen):
    assert money.parse_yuan(typed) == fen


@pytest.mark.parametrize("typed", ["", "  ", "abc", "12a", "1.2.3", "NaN", "nan", "Infinity", "-Infinity", "inf",
                                   "1e3", "1E3", "120.005", "-1", "－5", "-0", "1000000.01", "1000001", "12,34",
                                   "1,2345", "9" * 5000, "0x10", "١٢٠", "+5", "¥", "元", ".", ","])
def test_amounts_that_are_not_money_are_refused(typed):
    with pytest.raises(money.NumberError):
        money.parse_yuan(typed)


@pytest.mark.parametrize("typed, message", [
    ("-10", "The amount cannot be negative."),
    ("NaN", "Enter the amount in yuan, like 120 or 120.50."),
    ("1e12", "Enter the amount in yuan, like 120 or 120.50."),
    ("12.345", "An amount has at most two decimals (fen)."),
    ("1000000.01", "That amount is too large: at most ¥1,000,000.00."),
    ("9" * 40, "That amount is too large: at most ¥1,000,000.00."),
])
def test_a_refused_amount_says_why_in_the_users_language(ctx, typed, message):
    from flask_babel import force_locale
    from flask_babel import gettext as _
    with force_locale("zh_CN"), pytest.raises(money.NumberError) as e:
        money.parse_yuan(typed)
    with force_locale("zh_CN"):
        assert e.value.message == _(message) != message  # in Chinese, not the English msgid


@pytest.mark.parametrize("typed, minutes", [("1.5", 90), ("0", 0), ("24", 1440), ("0.01", 1), ("0.33", 20),
                                            ("１．５", 90), ("0.5", 30), ("2.25", 135)])
def test_labour_hours_become_whole_minutes_rounded_half_up(typed, minutes):
    assert money.parse_hours(typed) == minutes


@pytest.mark.parametrize("typed", ["", "NaN", "Infinity", "1e1", "-1", "-0", "24.01", "25", "1.255", "abc"])
def test_labour_hours_outside_0_to_24_or_not_numbers_are_refused(typed):
    with pytest.raises(money.NumberError):
        money.parse_hours(typed)


@pytest.mark.parametrize("typed, milli", [("1", 1000), ("1.5", 1500), ("0.001", 1), ("10000", 10_000_000),
                                          ("２", 2000), ("1,000", 1_000_000)])
def test_quantities_are_kept_in_thousandths(typed, milli):
    assert money.parse_quantity(typed) == milli


@pytest.mark.parametrize("typed", ["", "0", "0.000", "-0", "-1", "0.0001", "10000.001", "NaN", "Infinity", "1e3"])
def test_quantities_that_are_not_more_than_zero_and_at_most_10000_are_refused(typed):
    with pytest.raises(money.NumberError):
        money.parse_quantity(typed)


def _python_fee(case):
    """The table's case through the server's parsers and rule; None when the server refuses it."""
    try:
        minutes = money.parse_hours(case["hours"])
        lines = [(money.parse_yuan(price), money.parse_quantity(qty)) for price, qty in case["lines"]]
        return money.fee(case["rate_fen"], minutes, lines)
    except money.NumberError:
        return None


@pytest.mark.parametrize("case", FEE_CASES, ids=[c["case"] for c in FEE_CASES])
def test_the_fee_follows_one_rounding_rule(case):
    fee = _python_fee(case)
    if case["total_fen"] is None:
        assert fee is None
    else:
        assert (fee.labour_fen, list(fee.line_fen), fee.total_fen) == (
            case["labour_fen"], case["line_fen"], case["total_fen"])


def test_the_quote_service_uses_the_same_rule(org, ctx):
    from wuye.services.repairs import technician as svc
    from wuye.services.repairs import quote as quoting
    rate = quoting.labour_rate(org.p1.id)
    lines = [quoting.QuoteLineInput("水管", "m", 1100, 333), quoting.QuoteLineInput("垫片", "个", 500, 5)]
    labour, materials, total, out = quoting.compute(org.p1.id, quoting.QuoteInput(labour_minutes=20, lines=lines))
    assert labour == money.labour_fen(rate, 20) and [a for _l, _p, a in out] == [366, 3]
    assert total == labour + materials == labour + 369


# ---- properties (Hypothesis) ----------------------------------------------------------------

fens = st.integers(min_value=0, max_value=money.MAX_FEN)


@SETTINGS
@given(fens)
def test_an_amount_shown_as_yuan_is_read_back_as_the_same_fen(fen):
    COUNT["money: shown amount read back"] += 1
    assert money.parse_yuan(shown(fen)) == fen  # ¥1,234.50, as every page shows it
    assert money.parse_yuan(money.yuan_text(fen)) == fen  # 1234.50, as a form field holds it


@SETTINGS
@given(st.text(alphabet=st.sampled_from("0123456789.,-+eE¥元 NaInfity１２．，"), max_size=14) | st.text(max_size=30))
@example("NaN")
@example("Infinity")
@example("1e12")
@example("-0")
@example("9" * 5000)
def test_any_text_is_an_amount_in_range_or_refused_with_a_message(text):
    COUNT["money: any text as an amount"] += 1
    try:
        fen = money.parse_yuan(text)
    except money.NumberError as e:
        assert str(e.message)
    else:
        assert 0 <= fen <= money.MAX_FEN


@SETTINGS
@given(st.floats(allow_nan=True, allow_infinity=True) | st.decimals(allow_nan=True, allow_infinity=True))
def test_a_number_in_any_notation_is_kept_exactly_or_refused(number):
    COUNT["money: floats and decimals as amounts"] += 1
    text = str(number)
    try:
        fen = money.parse_yuan(text)
    except money.NumberError:
        return
    assert Decimal(fen) == Decimal(text) * 100  # exactly what was typed: no float, no rounding


@SETTINGS
@given(st.integers(0, money.MAX_FEN), st.integers(0, money.MAX_MINUTES),
       st.lists(st.tuples(st.integers(0, money.MAX_FEN), st.integers(1, money.MAX_QUANTITY_MILLI)), max_size=20))
def test_the_fee_is_each_product_rounded_half_up_then_added(rate, minutes, lines):
    COUNT["money: fee rounding"] += 1

    def half_up(x: Fraction) -> int:
        return int(x + Fraction(1, 2)) if x.denominator != 1 else int(x)

    labour = half_up(Fraction(rate * minutes, 60))
    amounts = [half_up(Fraction(p * q, 1000)) for p, q in lines]
    try:
        fee = money.fee(rate, minutes, lines)
    except money.NumberError:
        assert labour + sum(amounts) > money.MAX_FEN
        return
    assert (fee.labour_fen, list(fee.line_fen), fee.total_fen) == (labour, amounts, labour + sum(amounts))
