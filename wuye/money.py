"""Money and the other numbers of a fee: ONE parser for what people type, ONE rounding rule.

Money is typed in yuan and kept in integer fen. Every form reads it with `parse_yuan`: '120',
'120.5', '¥1,234.50', '１２０', '120元' are accepted; NaN, Infinity, 1e12, a minus sign, more than
two decimals and more than MAX_FEN are refused with a message saying why. Quantities are kept in
thousandths (1.5 m of pipe is 1500), labour in whole minutes.

The fee of a quote, in integers only (no float ever touches money), each product rounded half up
to a whole fen — the same rule `static/js/job.js` previews on the phone, checked against one table
of cases on both sides (tests/unit/test_money.py, tests/e2e/test_fee_rounding.py):
    labour = labour_rate_fen × minutes / 60      1.5 h at ¥50/h: 5000 × 90 / 60 = 7500 fen
    line   = unit_price_fen × quantity_milli / 1000
    total  = labour + Σ lines
Hours are typed with at most two decimals and become minutes rounded half up (0.01 h = 1 min).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

# The fen columns are 32-bit INTEGER on PostgreSQL (2,147,483,647 fen). One amount, and one quote's
# total, is at most ¥1,000,000: far above any repair fee, and a day's sums stay far below the limit.
MAX_FEN = 100_000_000
MAX_QUANTITY_MILLI = 10_000_000  # 10,000 of anything on one line
MAX_MINUTES = 24 * 60
# the largest products the fee computes stay exact in a JavaScript number (< 2**53)
assert MAX_FEN * MAX_QUANTITY_MILLI < 2 ** 53 and MAX_FEN * MAX_MINUTES < 2 ** 53

_NUMBER = re.compile(r"^(-?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.([0-9]*))?$", re.ASCII)
_MAX_DIGITS = 15  # longer than any value allowed here; never hand Python's int() thousands of digits


class NumberError(ValueError):
    """What a person typed is not an allowed number; `message` says why, in their language."""

    @property
    def message(self) -> str:
        return str(self.args[0])


def _normalize(raw: str | None) -> str:
    # NFKC turns full-width digits, ． ， ￥ and the ideographic space into 0-9 . , ¥ and a space;
    # spaces go wherever they are (the same six characters as the phone's preview removes)
    text = unicodedata.normalize("NFKC", raw or "").replace("。", ".")
    return re.sub(r"[ \t\n\r\f\v]+", "", text)


def _scaled(text: str, places: int, *, malformed, negative, decimals, too_large, limit: int) -> int:
    """'1,234.5' with places=2 → 123450, checked against `limit`; each refusal with its message."""
    m = _NUMBER.match(text)
    if m is None or not (m.group(2) or m.group(3)):
        raise NumberError(malformed)
    sign, whole, frac = m.group(1), m.group(2).replace(",", ""), (m.group(3) or "").rstrip("0")
    if sign:
        raise NumberError(negative)
    if len(frac) > places:
        raise NumberError(decimals)
    whole = whole.lstrip("0")
    if len(whole) > _MAX_DIGITS:
        raise NumberError(too_large)
    value = int(whole or "0") * 10 ** places + int(frac.ljust(places, "0") or "0")
    if value > limit:
        raise NumberError(too_large)
    return value


def parse_yuan(raw: str | None, *, empty=None) -> int:
    """Yuan as typed → integer fen."""
    text = _normalize(raw)
    text = text.removeprefix("¥").removeprefix("RMB").removesuffix("元")
    if not text:
        raise NumberError(empty or _l("Enter the amount in yuan, like 120 or 120.50."))
    return _scaled(text, 2, malformed=_l("Enter the amount in yuan, like 120 or 120.50."),
                   negative=_l("The amount cannot be negative."),
                   decimals=_l("An amount has at most two decimals (fen)."),
                   too_large=_l("That amount is too large: at most ¥1,000,000.00."), limit=MAX_FEN)


def parse_quantity(raw: str | None) -> int:
    """'1.5' → 1500 thousandths; more than zero, at most 10,000, three decimals."""
    text = _normalize(raw)
    if not text:
        raise NumberError(_l("Enter a quantity for every material line."))
    milli = _scaled(text, 3, malformed=_l("Quantities must be numbers, like 1 or 1.5."),
                    negative=_l("Quantities must be more than zero."),
                    decimals=_l("A quantity has at most three decimals."),
                    too_large=_l("A quantity is at most 10,000."), limit=MAX_QUANTITY_MILLI)
    if milli == 0:
        raise NumberError(_l("Quantities must be more than zero."))
    return milli


def parse_hours(raw: str | None) -> int:
    """Labour hours as typed ('1.5', '１．５') → whole minutes, rounded half up; 0 to 24 hours."""
    text = _normalize(raw)
    if not text:
        raise NumberError(_l("Enter the labour hours."))
    hundredths = _scaled(text, 2, malformed=_l("Labour hours must be a number, like 1 or 1.5."),
                         negative=_l("Labour hours must be between 0 and 24."),
                         decimals=_l("Labour hours have at most two decimals."),
                         too_large=_l("Labour hours must be between 0 and 24."), limit=24 * 100)
    return _half_up(hundredths * 60, 100)


def _half_up(numerator: int, denominator: int) -> int:
    return (numerator * 2 + denominator) // (denominator * 2)


def labour_fen(rate_fen: int, minutes: int) -> int:
    """The labour charge: the hourly rate × minutes / 60, rounded half up to a fen."""
    return _half_up(rate_fen * minutes, 60)


def line_fen(unit_price_fen: int, quantity_milli: int) -> int:
    """One material line: the unit price × the quantity, rounded half up to a fen."""
    return _half_up(unit_price_fen * quantity_milli, 1000)


@dataclass(frozen=True)
class Fee:
    labour_fen: int
    line_fen: tuple[int, ...]
    total_fen: int


def fee(rate_fen: int, minutes: int, lines: Iterable[tuple[int, int]]) -> Fee:
    """A quote's fee from the labour rate, the minutes and (unit price fen, quantity milli) per line;
    NumberError when the total passes MAX_FEN."""
    labour = labour_fen(rate_fen, minutes)
    amounts = tuple(line_fen(price, milli) for price, milli in lines)
    total = labour + sum(amounts)
    if total > MAX_FEN:
        raise NumberError(_l("A quote is at most ¥1,000,000.00."))
    return Fee(labour, amounts, total)


def yuan_text(fen: int) -> str:
    """Fen as the plain text a money field holds ('120.00'), for a form's default value."""
    return f"{fen // 100}.{fen % 100:02d}"
