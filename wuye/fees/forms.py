"""The housing officer's form: the cash counted for one order, typed in yuan, kept in fen."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional, ValidationError

from ..tech.forms import pay_choices

MAX_FEN = 100_000_000  # ¥1,000,000: far above any repair fee, far below the column's limit
_AMOUNT = re.compile(r"^(-?)(\d+)(?:\.(\d*))?$")


def parse_yuan(raw: str | None) -> int:
    """'120', '120.5', '¥1,200.50', full-width '１２０．５' → fen; anything else refused with why."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    text = text.removeprefix("¥").removesuffix("元").replace(",", "").replace(" ", "").replace("。", ".")
    if not text:
        raise ValueError(_l("Enter the amount received."))
    m = _AMOUNT.match(text)
    if m is None:
        raise ValueError(_l("Enter the amount in yuan, like 120 or 120.50."))
    sign, whole, cents = m.groups()
    if sign:
        raise ValueError(_l("The amount cannot be negative."))
    if cents and len(cents.rstrip("0")) > 2:
        raise ValueError(_l("An amount has at most two decimals (fen)."))
    fen = int(Decimal(f"{whole}.{cents or 0}") * 100)
    if fen > MAX_FEN:
        raise ValueError(_l("That amount is too large."))
    return fen


class HandoverForm(FlaskForm):
    received = StringField(_l("Amount received (¥)"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])

    fen: int | None = None

    def validate_received(self, field):
        try:
            self.fen = parse_yuan(field.data)
        except ValueError as e:
            raise ValidationError(str(e.args[0])) from None


def method_labels() -> dict[str, str]:
    """cash → 现金, …: the technician's payment choices, for tables."""
    return {c.value: str(c.label) for c in pay_choices()}
