"""Administration forms. Choices that depend on the project are set by the views."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from .. import money
from ..formkit import ChinesePhone, options
from ..labels import CONTACT_KINDS, UNIT_STATUSES
from ..services.import_units import MAX_CONTACTS  # the page edits as many contacts as a file may carry

TIMEZONES = ["Asia/Shanghai", "Asia/Urumqi", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei"]


class Yuan:
    """An amount in yuan, read by the one money parser (wuye.money); the field's `fen` holds it."""

    def __call__(self, form, field):
        try:
            field.fen = money.parse_yuan(field.data)
        except money.NumberError as e:
            raise ValidationError(e.message) from None


class ProjectForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("A code is required.")), Length(max=32)])
    name = StringField(_l("Project name"), validators=[DataRequired(_l("A name is required.")), Length(max=100)])
    timezone = SelectField(_l("Time zone"), choices=options([(t, t) for t in TIMEZONES]))
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])


class BuildingForm(FlaskForm):
    name = StringField(_l("Building"), validators=[DataRequired(_l("A name is required.")), Length(max=50)])
    completed_on = DateField(_l("Completion acceptance (竣工验收)"), validators=[Optional()])
    developer = StringField(_l("Developer"), validators=[Optional(), Length(max=100)])
    main_contractor = StringField(_l("Main contractor"), validators=[Optional(), Length(max=100)])


class UnitForm(FlaskForm):
    building = SelectField(_l("Building"), coerce=int, validators=[InputRequired(_l("Choose a building."))])
    unit_no = StringField(_l("Entrance (单元)"), validators=[Optional(), Length(max=10)])
    floor = IntegerField(_l("Floor"), validators=[Optional(), NumberRange(-10, 300)])
    room = StringField(_l("Room"), validators=[DataRequired(_l("A room number is required.")), Length(max=20)])
    area = StringField(_l("Area (m²)"), validators=[Optional(), Length(max=20)])
    status = SelectField(_l("Status"), choices=options(list(UNIT_STATUSES.items())))
    # 公共部位 (DOMAIN.md A3): a lobby, a lift, a pump room — its repairs are proposed free of charge
    common_area = BooleanField(_l("Common parts (no charge to residents)"))


CONTACTS = 3  # shown for a new unit; a unit's page shows its own contacts and one empty place more


def _contact_fields(first: int, last: int):
    fields = {}
    for i in range(first, last + 1):
        fields[f"c{i}_kind"] = SelectField(_l("Kind"), choices=options(list(CONTACT_KINDS.items())),
                                           default="owner" if i == 1 else "family")
        fields[f"c{i}_name"] = StringField(_l("Name"), validators=[Optional(), Length(max=50)])
        fields[f"c{i}_phone"] = StringField(_l("Phone"), validators=[Optional(), ChinesePhone()])
        fields[f"c{i}_phone2"] = StringField(_l("Second phone"), validators=[Optional(), ChinesePhone()])
        fields[f"c{i}_messages"] = BooleanField(_l("May receive messages"), default=True)
    return fields


for _name, _field in _contact_fields(1, CONTACTS).items():
    setattr(UnitForm, _name, _field)

_UNIT_FORMS: dict[int, type] = {CONTACTS: UnitForm}


def unit_form_class(contacts: int) -> type:
    """UnitForm with places for this many contacts (c1_… to cN_…), N between CONTACTS and MAX_CONTACTS."""
    n = max(CONTACTS, min(MAX_CONTACTS, contacts))
    if n not in _UNIT_FORMS:
        _UNIT_FORMS[n] = type(f"UnitForm{n}", (UnitForm,), _contact_fields(CONTACTS + 1, n))
    return _UNIT_FORMS[n]


class DepartmentForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("A code is required.")), Length(max=32)])
    name = StringField(_l("Department name"), validators=[DataRequired(_l("A name is required.")), Length(max=50)])
    head = SelectField(_l("Head"), coerce=int, validate_choice=True)


class UserForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(_l("A username is required.")), Length(max=50)])
    name = StringField(_l("Name"), validators=[DataRequired(_l("A name is required.")), Length(max=50)])
    project = SelectField(_l("Project"), coerce=int, validate_choice=False)  # fixed by ?project=, shown only
    role = SelectField(_l("Role"))
    department = SelectField(_l("Department"), coerce=int)
    superior = SelectField(_l("Direct superior"), coerce=int)
    phone = StringField(_l("Phone"), validators=[Optional(), ChinesePhone()])
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(_l("Initial password"), validators=[Optional(), Length(min=8, max=200)])


class PasswordResetForm(FlaskForm):
    password = PasswordField(_l("One-time password"),
                             validators=[DataRequired(_l("A password is required.")), Length(min=8, max=200)])


class ChoosePasswordForm(FlaskForm):
    password = PasswordField(_l("New password"),
                             validators=[DataRequired(_l("A password is required.")), Length(min=8, max=200)])
    again = PasswordField(_l("New password again"), validators=[DataRequired(_l("A password is required."))])

    def validate_again(self, field):
        if field.data != self.password.data:
            raise ValidationError(_l("The two passwords differ."))


class CategoryForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("A code is required.")), Length(max=32)])
    name = StringField(_l("Category name"), validators=[DataRequired(_l("A name is required.")), Length(max=50)])
    position = IntegerField(_l("Sort order"), default=0, validators=[Optional(), NumberRange(0, 999)])
    active = BooleanField(_l("Offered"), default=True)
    # 公共设施 (A3): repairs of this category are proposed as common parts, free of charge
    common_parts = BooleanField(_l("Common facility (no charge)"), default=False)


class PriceItemForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("A code is required.")), Length(max=32)])
    name = StringField(_l("Item"), validators=[DataRequired(_l("A name is required.")), Length(max=60)])
    unit = StringField(_l("Unit of sale"), validators=[DataRequired(_l("A unit is required.")), Length(max=10)])
    price = StringField(_l("Price (¥)"), validators=[DataRequired(_l("A price is required.")), Yuan()])
    active = BooleanField(_l("Offered"), default=True)


class LabourForm(FlaskForm):
    price = StringField(_l("Labour rate per hour (¥)"), validators=[DataRequired(_l("A price is required.")), Yuan()])


class WindowForm(FlaskForm):
    starts = StringField(_l("Starts at"), validators=[DataRequired(_l("A time is required.")), Length(max=5)])
    ends = StringField(_l("Ends at"), validators=[DataRequired(_l("A time is required.")), Length(max=5)])
    position = IntegerField(_l("Sort order"), default=0, validators=[Optional(), NumberRange(0, 999)])
    active = BooleanField(_l("Offered"), default=True)


class ImportForm(FlaskForm):
    file = FileField(_l("File (XLSX or CSV)"), validators=[FileRequired(_l("Choose a file."))])


class DeadlinePolicyForm(FlaskForm):
    """One rule of the deadline table as this project runs it: its length and the escalation delays."""
    minutes = IntegerField(_l("Length (minutes)"), validators=[
        InputRequired(_l("Give the length in minutes.")),
        NumberRange(0, 60 * 24 * 30, _l("A deadline's length is 0 minutes to 30 days."))])
    escalation = StringField(_l("Escalation delays (minutes)"), validators=[Optional(), Length(max=100)])

    def delays(self) -> list[int] | None:
        """'15, 30' → [15, 30]; empty keeps the table's delays."""
        text = (self.escalation.data or "").replace("，", ",").strip()
        if not text:
            return None
        try:
            return [int(part) for part in text.split(",")]
        except ValueError:
            raise ValidationError(_l("Write the delays as whole minutes separated by commas, like 15, 30.")) from None
