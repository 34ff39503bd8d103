"""Front-desk forms. Labels are lazy so they render in the reader's language."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DateTimeLocalField, HiddenField, RadioField,
                     SelectField, StringField, TextAreaField)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from ..models import Source, Urgency
from ..formkit import ChinesePhone, IdField, options, values
from ..numbers import db_id, id_or_zero

# the class-level choices only; each view offers its project's own windows (services.orgs.window_choices)
WINDOWS = ["08:00-10:00", "10:00-12:00", "12:00-14:00", "14:00-16:00", "16:00-18:00", "18:00-20:00"]


def window_times(value: str) -> tuple[time, time]:
    start, end = value.split("-")
    return time.fromisoformat(start), time.fromisoformat(end)


def _date_or_none(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


APPOINTMENT_DAYS = 30


def appointment_days(today: date) -> list[tuple[str, str]]:
    """The next APPOINTMENT_DAYS days as choices ("12-02 周三 · 今天"): Babel writes the weekdays,
    once per day and language (the job page and the intake form ask on every request)."""
    from flask_babel import get_locale
    return list(_appointment_days(today, str(get_locale())))


@lru_cache(maxsize=32)
def _appointment_days(today: date, locale: str) -> tuple[tuple[str, str], ...]:
    names = {0: _l("today"), 1: _l("tomorrow"), 2: _l("day after tomorrow")}
    out = [("", "—")]
    for i in range(APPOINTMENT_DAYS):
        day = today + timedelta(days=i)
        label = format_date(day, "MM-dd EEE")
        out.append((day.isoformat(), f"{label} · {names[i]}" if i in names else label))
    return tuple(out)


def source_choices():
    return options([(Source.PHONE.value, _l("Phone call")), (Source.WALK_IN.value, _l("In person")),
                    (Source.STAFF.value, _l("Reported by an employee"))])


def urgency_choices():
    return options([(Urgency.NORMAL.value, _l("Normal")), (Urgency.EMERGENCY.value, _l("Emergency"))])


def charge_choices():
    from ..services.repairs.charging import CHARGE_TYPES
    return options([(k.value, v) for k, v in CHARGE_TYPES.items()])


class IntakeForm(FlaskForm):
    source = RadioField(_l("Source"), choices=source_choices(), default=Source.PHONE.value,
                        validators=[InputRequired(_l("Choose how the request came in."))])
    reported_by = SelectField(_l("Reporting employee"), coerce=db_id, default=0, validate_choice=False)
    unit_query = StringField(_l("Unit"), validators=[Optional(), Length(max=60)])
    unit_id = HiddenField(validators=[DataRequired(_l("Choose the unit from the search results."))])
    contact_name = StringField(_l("Contact name"),
                               validators=[DataRequired(_l("Enter the contact's name.")), Length(max=50)])
    contact_phone = StringField(_l("Contact phone"), validators=[DataRequired(_l("Enter a phone number.")),
                                                                 ChinesePhone()])
    category = SelectField(_l("Category"), validators=[DataRequired(_l("Choose a category."))])
    description = TextAreaField(_l("What needs repairing"),
                                validators=[DataRequired(_l("Describe the problem.")), Length(max=2000)])
    urgency = RadioField(_l("Urgency"), choices=urgency_choices(), default=Urgency.NORMAL.value,
                         validators=[InputRequired(_l("Choose the urgency."))])
    called_at = DateTimeLocalField(_l("Time of the call"), format="%Y-%m-%dT%H:%M",
                                   validators=[Optional()])
    # a list of the coming days: quicker than a date picker for a clerk on the phone
    appointment_date = SelectField(_l("Appointment date"), coerce=_date_or_none, default=None,
                                   validate_choice=False)
    appointment_window = SelectField(_l("Time window"), choices=options([("", "—")] + [(w, w) for w in WINDOWS]),
                                     default="", validators=[Optional()])
    technician = SelectField(_l("Dispatch to"), coerce=db_id, default=0, validate_choice=False)
    # sent by the confirm button shown when an emergency would be filed already overdue
    overdue_confirmed = BooleanField()
    # who pays (A3): empty takes the proposal; another type than the proposal needs a note
    charge_type = RadioField(_l("Who pays"), choices=charge_choices(), validate_choice=False,
                             validators=[Optional()])
    charge_note = StringField(_l("Why another charge type"), validators=[Optional(), Length(max=500)])
    # the contact's agreement to SMS for this order: the page ticks it from the picked contact's record
    sms_consent = BooleanField()

    def validate_charge_type(self, field):
        if field.data and field.data not in values(field):
            raise ValidationError(_l("Choose who pays: common parts, under warranty or paid in-home work."))

    def validate_unit_id(self, field):
        try:
            db_id(field.data)
        except (TypeError, ValueError):
            raise ValidationError(_l("Choose the unit from the search results.")) from None

    def validate_reported_by(self, field):
        if self.source.data == Source.STAFF and not field.data:
            raise ValidationError(_l("Choose the employee who reported it."))
        if field.data and field.data not in values(field):
            raise ValidationError(_l("Choose an employee from the list."))

    def validate_technician(self, field):
        if field.data and field.data not in values(field):
            raise ValidationError(_l("Choose a technician from the list."))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Optional() ends a field's own chain when it is empty, so the rule that a normal job
        # needs its appointment is checked here, across fields
        if self.urgency.data == Urgency.NORMAL:
            offered = values(self.appointment_date)
            if self.appointment_date.data and self.appointment_date.data.isoformat() not in offered:
                self.appointment_date.errors = [_l("Choose a day from the list.")]
                ok = False
            elif self.appointment_date.data is None and not self.appointment_date.errors:
                self.appointment_date.errors = [_l("A normal repair needs the date agreed with the customer.")]
                ok = False
            if not self.appointment_window.data and not self.appointment_window.errors:
                self.appointment_window.errors = [_l("Choose the time window agreed with the customer.")]
                ok = False
        return ok

    def local_called_at(self) -> datetime | None:
        return self.called_at.data


class DispatchForm(FlaskForm):
    technician = SelectField(_l("Technician"), coerce=db_id, validate_choice=False,
                             validators=[DataRequired(_l("Choose a technician."))])


class ReassignForm(FlaskForm):
    technician = SelectField(_l("New technician"), coerce=db_id, validate_choice=False,
                             validators=[DataRequired(_l("Choose a technician."))])
    reason = StringField(_l("Reason"), validators=[DataRequired(_l("Give the reason.")), Length(max=500)])


class CancelForm(FlaskForm):
    reason = StringField(_l("Reason for cancelling"),
                         validators=[DataRequired(_l("Give the reason.")), Length(max=500)])


class ChargeChangeForm(FlaskForm):
    """Who pays, changed by the desk after intake (services/repairs/desk_charge says when)."""
    charge_type = RadioField(_l("Who pays now"), choices=charge_choices(),
                             validators=[InputRequired(_l("Choose who pays: common parts, under warranty or paid in-home work."))])
    reason = StringField(_l("Why it changes"),
                         validators=[DataRequired(_l("Say why the charge type changes (for example damage by misuse).")),
                                     Length(max=500)])


class CorrectSheetForm(FlaskForm):
    description = TextAreaField(_l("Corrected work description"),
                                validators=[DataRequired(_l("Describe the work as it should read.")), Length(max=2000)])
    reason = StringField(_l("Reason for the correction"),
                         validators=[DataRequired(_l("Give the reason.")), Length(max=500)])


class BoardSearchForm(FlaskForm):
    """The board's own filters: a board opened without the figures' filters binds only these (a form
    of 27 fields took as long to build as the page's query)."""

    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField(_l("Search"), validators=[Optional(), Length(max=40)])
    state = SelectField(_l("State"), validators=[Optional()], validate_choice=False)
    urgency = SelectField(_l("Urgency"), validators=[Optional()], validate_choice=False)
    technician = SelectField(_l("Technician"), coerce=id_or_zero, default=0, validate_choice=False)
    unit = IdField(validators=[Optional()])
    day_from = DateField(_l("From"), validators=[Optional()])
    day_to = DateField(_l("To"), validators=[Optional()])
    overdue = BooleanField(_l("Overdue"))  # 超时: a running deadline past due
    before = IdField(validators=[Optional()])
    REPORT_FIELDS: tuple[str, ...] = ()


class BoardFilterForm(BoardSearchForm):
    """With the filters the links of /reports/ set (kept as hidden fields on the board)."""

    source = StringField(validators=[Optional(), Length(max=20)])
    category = StringField(validators=[Optional(), Length(max=32)])
    building = IdField(validators=[Optional()])
    open = StringField(validators=[Optional(), AnyOf(["1"])])
    revisit = StringField(validators=[Optional(), AnyOf(["0", "1"])])
    late = StringField(validators=[Optional(), Length(max=40)])
    responsible = IdField(validators=[Optional()])
    kept = StringField(validators=[Optional(), AnyOf(["judged", "not_kept"])])
    dates = StringField(validators=[Optional(), AnyOf(["created", "paid", "closed", "return_visit", "due"])])
    method = StringField(validators=[Optional(), AnyOf(["cash", "wechat", "alipay", "account", "none"])])
    collected_by = IdField(validators=[Optional()])
    handover = StringField(validators=[Optional(), AnyOf(["received", "pending", "difference"])])
    score = StringField(validators=[Optional(), AnyOf(["1", "2", "3", "4", "5"])])
    answered = StringField(validators=[Optional(), AnyOf(["1"])])
    ended = StringField(validators=[Optional(), AnyOf(["1"])])
    return_visit = StringField(validators=[Optional(), AnyOf(["opened", "done", "open"])])
    charge = StringField(validators=[Optional(), AnyOf(["common", "warranty", "paid"])])
    claim = StringField(validators=[Optional(), AnyOf(["open", "made", "claimed", "paid"])])

    REPORT_FIELDS = ("source", "category", "building", "open", "revisit", "late", "responsible", "kept", "dates",
                     "method", "collected_by", "handover", "score", "answered", "ended", "return_visit", "charge", "claim")
