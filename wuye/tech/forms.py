"""Forms of the technician's steps. Money is typed in yuan and kept in fen (wuye.money reads it)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..formkit import HoursField, YuanField, options
from ..services.repairs.technician import CHECKLIST


class StepForm(FlaskForm):
    """Every step carries the time it happened on the phone (ISO 8601 with offset), optional."""

    happened_at = HiddenField()


class TickForm(StepForm):
    item = SelectField(choices=options([(i, i) for i in CHECKLIST]))
    checked = BooleanField()


def shoe_choices():
    return options([("covers", _l("Shoe covers")), ("slippers", _l("Slippers")), ("none", _l("Neither"))])


class DoorForm(StepForm):
    shoe_choice = RadioField(_l("The customer prefers"), choices=shoe_choices(),
                             validators=[InputRequired(_l("Choose what the customer prefers."))])
    furniture_consent = BooleanField(_l("The customer agreed to moving furniture in the way"))


def charge_choices():
    from ..services.repairs.charging import CHARGE_TYPES
    return options([(k.value, v) for k, v in CHARGE_TYPES.items()])


class ChargeForm(StepForm):
    """Who pays, as seen at the door (A3)."""

    charge_type = RadioField(_l("Who pays"), choices=charge_choices(),
                             validators=[InputRequired(_l("Choose who pays: common parts, under warranty or paid in-home work."))])
    reason = StringField(_l("Why (for example damage by misuse)"),
                         validators=[DataRequired(_l("Say why the charge type changes (for example damage by misuse).")),
                                     Length(max=500)])


class QuoteForm(StepForm):
    """Labour and up to eight material lines, posted as parallel lists."""

    labour_hours = HoursField(_l("Labour hours"), validators=[DataRequired(_l("Enter the labour hours."))])
    decline_reason = StringField(_l("Why the customer declined"), validators=[Optional(), Length(max=500)])
    signature = FileField()
    # who pays as the phone showed it to the customer: the desk may have changed it meanwhile (offline)
    charge_type = StringField(validators=[Optional(), Length(max=10)])


class NoteForm(StepForm):
    text = TextAreaField(_l("Note"), validators=[DataRequired(_l("Write the note.")), Length(max=2000)])


class PhotoForm(StepForm):
    kind = RadioField(_l("Photo"), choices=options([("before", _l("Before")), ("after", _l("After"))]),
                      default="before")
    photo = FileField(_l("Photo"))


class PauseForm(StepForm):
    reason = StringField(_l("What is missing"), validators=[DataRequired(_l("Say what is missing.")), Length(max=500)])


class CannotFixForm(StepForm):
    reason = StringField(_l("Why it cannot be fixed now"),
                         validators=[DataRequired(_l("Explain why it cannot be fixed now.")), Length(max=500)])
    next_date = SelectField(_l("Next visit"), validate_choice=False,
                            validators=[DataRequired(_l("Agree the next visit's day with the customer."))])
    next_window = SelectField(_l("Time window"), validate_choice=False,
                              validators=[DataRequired(_l("Agree the time window with the customer."))])


class AcceptanceForm(StepForm):
    demonstrated = BooleanField(_l("I showed the customer the repair working"))
    signature = FileField()


def pay_choices():
    return options([("cash", _l("Cash")), ("wechat", _l("WeChat Pay")), ("alipay", _l("Alipay")),
                    ("account", _l("Charge to the property-fee account"))])


class PaymentForm(StepForm):
    method = RadioField(_l("Paid by"), choices=pay_choices(), validators=[InputRequired(_l("Choose how the customer paid."))])
    amount = YuanField(_l("Amount (¥)"), validators=[DataRequired(_l("Enter the amount."))])
    difference_reason = StringField(_l("Reason the amount differs from the quote"), validators=[Optional(), Length(max=500)])
    receipt_no = StringField(_l("Receipt number"), validators=[DataRequired(_l("Enter the receipt number.")), Length(max=40)])
    invoice_wanted = BooleanField(_l("The customer wants an invoice"))
