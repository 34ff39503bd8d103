"""The phone's fee preview (static/js/job.js, in Debian's Chromium) rounds as the server stores:
the same table of cases as tests/unit/test_money.py, and any text or integers Hypothesis makes read
the same by both sides."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fixtures.hypo import COUNT, hypothesis_settings
from wuye import money

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent.parent
FEE_CASES = json.loads((ROOT / "tests" / "fixtures" / "fee_cases.json").read_text("utf-8"))


@pytest.fixture
def js(page):
    """A blank page with the job page's script, whose money rule is window.wuyeMoney."""
    page.set_content("<!doctype html><meta charset=utf-8><title>fee</title>")
    page.add_script_tag(path=str(ROOT / "static" / "js" / "job.js"))
    assert page.evaluate("typeof window.wuyeMoney.fee") == "function"
    return page


@pytest.mark.parametrize("case", FEE_CASES, ids=[c["case"] for c in FEE_CASES])
def test_the_phone_previews_the_fee_with_the_servers_rounding(js, case):
    fee = js.evaluate("([rate, hours, lines]) => wuyeMoney.fee(rate, hours, lines.map(([price, qty]) => ({price, qty})))",
                      [case["rate_fen"], case["hours"], case["lines"]])
    if case["total_fen"] is None:
        assert fee is None
    else:
        assert (fee["labour"], fee["lines"], fee["total"]) == (case["labour_fen"], case["line_fen"], case["total_fen"])


@pytest.mark.parametrize("fen", [0, 5, 12000, 123450, 100_000_000, 99])
def test_the_phone_shows_yuan_as_the_pages_do(js, fen):
    from wuye.i18n import money as shown
    assert js.evaluate("(f) => wuyeMoney.yuan(f)", fen) == shown(fen)


typed = st.one_of(st.text(alphabet=st.sampled_from("0123456789.,-+eE¥元 NaInfity１２．，。"), max_size=12),
                  st.text(max_size=12), st.floats().map(str), st.integers(0, 2 * money.MAX_FEN).map(lambda f: f"{f / 100}"))


def _py(parse, text):
    try:
        return parse(text)
    except money.NumberError:
        return None


@hypothesis_settings(300)
@given(texts=st.lists(typed, min_size=1, max_size=20))
def test_any_text_is_read_as_the_same_number_by_the_phone_and_the_server(js, texts):
    COUNT["browser: up to 20 texts read by the JS and the Python parsers"] += 1
    got = js.evaluate("(ts) => ts.map((t) => [wuyeMoney.fen(t), wuyeMoney.milli(t), wuyeMoney.minutes(t)])", texts)
    want = [[_py(money.parse_yuan, t), _py(money.parse_quantity, t), _py(money.parse_hours, t)] for t in texts]
    assert got == want, [(t, g, w) for t, g, w in zip(texts, got, want) if g != w]


@hypothesis_settings(200)
@given(rate=st.integers(0, money.MAX_FEN), minutes=st.integers(0, money.MAX_MINUTES),
       lines=st.lists(st.tuples(st.integers(0, money.MAX_FEN), st.integers(1, money.MAX_QUANTITY_MILLI)), max_size=5))
def test_the_phone_and_the_server_round_every_product_alike(js, rate, minutes, lines):
    COUNT["browser: fee products rounded by JS and Python"] += 1
    got = js.evaluate("([r, m, ls]) => [wuyeMoney.labourFen(r, m), ls.map(([p, q]) => wuyeMoney.lineFen(p, q))]",
                      [rate, minutes, lines])
    assert got == [money.labour_fen(rate, minutes), [money.line_fen(p, q) for p, q in lines]]
