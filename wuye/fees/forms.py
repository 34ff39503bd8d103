"""The housing officer's form: the cash counted for one order, typed in yuan, kept in fen."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from ..formkit import YuanField
from ..tech.forms import pay_choices


class HandoverForm(FlaskForm):
    received = YuanField(_l("Amount received (¥)"), validators=[DataRequired(_l("Enter the amount received."))])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


def method_labels() -> dict[str, str]:
    """cash → 现金, …: the technician's payment choices, for tables."""
    return {c.value: str(c.label) for c in pay_choices()}
