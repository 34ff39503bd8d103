"""The clerk's form: the number of the invoice issued for one order."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class IssueInvoiceForm(FlaskForm):
    number = StringField(_l("Invoice number"), filters=[lambda s: s.strip() if isinstance(s, str) else s],
                         validators=[DataRequired(_l("Enter the invoice number.")),
                                     Length(max=40, message=_l("An invoice number has at most 40 characters."))])
