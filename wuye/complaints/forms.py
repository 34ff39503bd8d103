"""Complaint forms. Labels are lazy so they render in the reader's language; choices come from the
seed's lists in `labels.py`. The forms parse; the rules of registration and classification (B3, B4)
are the service's (`services/complaint_classification.py`), whose refusals come back to the fields."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DateTimeLocalField, RadioField, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..formkit import ChinesePhone, IdField, options
from ..numbers import id_or_zero
from . import labels

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


def _choices(table: dict, blank: str | None = None):
    pairs = [(k, v) for k, v in table.items()]
    return options(([("", blank)] if blank is not None else []) + pairs)


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes: the six serious criteria, the departments involved."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class IntakeForm(FlaskForm):
    channel = RadioField(_l("How it came in"), choices=_choices(labels.CHANNELS), default="visit",
                         validators=[InputRequired(_l("Choose how the complaint came in."))])
    unit_query = StringField(_l("Unit"), validators=[Optional(), Length(max=60)])
    unit_id = IdField(validators=[Optional()])
    complainant_name = StringField(_l("Complainant"), validators=[DataRequired(_l("Enter the complainant's name.")),
                                                                  Length(max=50)])
    complainant_phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30), ChinesePhone()])
    topic = SelectField(_l("About"), choices=_choices(labels.TOPICS, "—"), default="", validators=[Optional()])
    content = TextAreaField(_l("What the complainant said"),
                            validators=[DataRequired(_l("Write down what the complainant said.")), Length(max=4000)])
    received_at = DateTimeLocalField(_l("Received at"), format=LOCAL_MINUTE, validators=[Optional()])
    solved_on_spot = BooleanField(_l("Solved on the spot"))
    spot_action = TextAreaField(_l("What was done on the spot"), validators=[Optional(), Length(max=2000)])
    # the complainant agrees to the reply by SMS: the page ticks it from the stored consent of the number
    sms_consent = BooleanField()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Optional() ends an empty field's own chain, so the rules across fields are checked here
        if self.solved_on_spot.data and not (self.spot_action.data or "").strip():
            self.spot_action.errors = [_l("Write down what was done on the spot.")]
            ok = False
        if not self.unit_id.data and not self.complainant_phone.data and not self.complainant_phone.errors:
            self.complainant_phone.errors = [_l("Give the unit or a phone number: every complaint gets an answer.")]
            ok = False
        return ok


def _severity_fields(cls):
    cls.severity = RadioField(_l("Severity"), choices=_choices(labels.SEVERITY), default="normal",
                              validators=[InputRequired(_l("Choose normal or serious."))])
    cls.criteria = MultiCheckboxField(_l("Serious, because it"), choices=_choices(labels.CRITERIA))
    return cls


@_severity_fields
class RegisterForm(FlaskForm):
    topic = SelectField(_l("About"), choices=_choices(labels.TOPICS, "—"))
    work_log = TextAreaField(_l("Work log entry"), validators=[Length(max=4000)])
    departments = MultiCheckboxField(_l("Departments involved"), coerce=int)
    people = SelectMultipleField(_l("People involved"), coerce=int)
    forward_mode = RadioField(_l("Forwarded"), choices=_choices(labels.FORWARD_MODES), default="phone",
                              validators=[InputRequired(_l("Choose how it was forwarded."))])
    forward_note = StringField(_l("Forwarding note"), validators=[Optional(), Length(max=1000)])


class ForwardForm(FlaskForm):
    mode = RadioField(_l("Forwarded"), choices=_choices(labels.FORWARD_MODES), default="phone",
                      validators=[InputRequired(_l("Choose how it was forwarded."))])
    departments = MultiCheckboxField(_l("Departments"), coerce=int)
    people = SelectMultipleField(_l("People"), coerce=int)
    note = StringField(_l("Forwarding note"), validators=[Optional(), Length(max=1000)])


class RepeatForm(FlaskForm):
    decision = RadioField(_l("Repeat complaint?"), choices=options([
        ("confirm", _l("Yes: a repeat complaint, serious")), ("dismiss", _l("No: not the same matter"))]),
        validators=[InputRequired(_l("Confirm or dismiss."))])
    reason = StringField(_l("Reason"), validators=[DataRequired(_l("Give the reason.")), Length(max=1000)])


@_severity_fields
class ClassifyForm(FlaskForm):
    validity = RadioField(_l("Validity"), choices=_choices(labels.VALIDITY),
                          validators=[InputRequired(_l("Choose valid or invalid."))])
    invalid_reason = RadioField(_l("Invalid, because"), choices=_choices(labels.INVALID_REASONS),
                                validators=[Optional()], validate_choice=False)
    valid_reason = RadioField(_l("Valid, because"), choices=_choices(labels.VALID_REASONS),
                              validators=[Optional()], validate_choice=False)
    note = TextAreaField(_l("Findings of the investigation"), validators=[Optional(), Length(max=2000)])
    normal_kind = RadioField(_l("A normal complaint is ended by"), choices=_choices(labels.NORMAL_KINDS),
                             validators=[Optional()], validate_choice=False)
    other_units = BooleanField(_l("Other units are involved and it cannot be solved at once"))
    other_units_note = StringField(_l("Which units"), validators=[Optional(), Length(max=500)])

    @property
    def reason_field(self):
        """The reasons of the validity chosen: one radio group for valid, one for invalid."""
        return self.valid_reason if self.validity.data == "valid" else self.invalid_reason

    @property
    def reason(self) -> str | None:
        return self.reason_field.data


class OverruleForm(ClassifyForm):
    reason_for_overrule = StringField(_l("Reason for overruling"),
                                      validators=[DataRequired(_l("Give the reason for overruling.")),
                                                  Length(max=1000)])


class AssignForm(FlaskForm):
    handler = SelectField(_l("Handled by"), coerce=id_or_zero, validate_choice=False,
                          validators=[DataRequired(_l("Choose who handles it."))])


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(_l("Give the reason.")), Length(max=1000)])


class FindingsForm(FlaskForm):
    cause = TextAreaField(_l("Cause"), validators=[DataRequired(_l("Analyse the cause.")), Length(max=4000)])
    responsibility = TextAreaField(_l("Responsibility"),
                                   validators=[DataRequired(_l("State the responsibility.")), Length(max=4000)])
    responsible_department = SelectField(_l("Responsible department"), coerce=id_or_zero, default=0,
                                         validate_choice=False)
    responsible_user = SelectField(_l("Responsible person"), coerce=id_or_zero, default=0, validate_choice=False)


class NoteForm(FlaskForm):
    note = StringField(_l("Note"), validators=[Optional(), Length(max=1000)])


class InspectionForm(FlaskForm):
    at = DateTimeLocalField(_l("Inspected at"), format=LOCAL_MINUTE, validators=[Optional()])
    participants = StringField(_l("Who went"), validators=[DataRequired(_l("Name who went to the site.")),
                                                           Length(max=500)])
    findings = TextAreaField(_l("What was found on site"),
                             validators=[DataRequired(_l("Record what was found on site.")), Length(max=4000)])


class ActionForm(FlaskForm):
    description = TextAreaField(_l("Corrective action"),
                                validators=[DataRequired(_l("Describe the corrective action.")), Length(max=2000)])
    owner = SelectField(_l("Person in charge"), coerce=id_or_zero, validate_choice=False,
                        validators=[DataRequired(_l("Choose who does it."))])
    due_date = DateField(_l("Due date"), validators=[InputRequired(_l("Set the due date."))])


class ActionDoneForm(FlaskForm):
    note = StringField(_l("What was done"), validators=[DataRequired(_l("Say what was done.")), Length(max=2000)])


class VerifyForm(FlaskForm):
    outcome = RadioField(_l("Check"), choices=options([("effective", _l("Effective")),
                                                       ("ineffective", _l("Not effective"))]),
                         validators=[InputRequired(_l("Choose effective or not."))])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=2000)])
    new_due_date = DateField(_l("New due date"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.outcome.data == "ineffective":
            if not (self.note.data or "").strip():
                self.note.errors = [_l("Say why the action is not effective.")]
                ok = False
            if not self.new_due_date.data:
                self.new_due_date.errors = [_l("Set a new due date.")]
                ok = False
        return ok


class PenaltyForm(FlaskForm):
    decision = TextAreaField(_l("Decision"), validators=[
        DataRequired(_l("Write the decision (or that no penalty applies, and why).")), Length(max=2000)])
    reference = StringField(_l("Rule applied"), default="《员工考核及奖惩办法》",
                            validators=[DataRequired(_l("Name the rule applied.")), Length(max=200)])


class ResultForm(FlaskForm):
    result = TextAreaField(_l("Handling result"),
                           validators=[DataRequired(_l("Write the handling result.")), Length(max=4000)])


class ContactForm(FlaskForm):
    at = DateTimeLocalField(_l("When"), format=LOCAL_MINUTE, validators=[Optional()])
    channel = SelectField(_l("How"), choices=_choices(labels.CONTACT_CHANNELS), default="phone")
    purpose = SelectField(_l("About"), choices=options([("progress", labels.CONTACT_PURPOSES["progress"]),
                                                         ("other_units", labels.CONTACT_PURPOSES["other_units"])]))
    content = TextAreaField(_l("What was said"),
                            validators=[DataRequired(_l("Write down what was said.")), Length(max=2000)])


class ReplyForm(FlaskForm):
    at = DateTimeLocalField(_l("When"), format=LOCAL_MINUTE, validators=[Optional()])
    channel = SelectField(_l("How"), choices=_choices(labels.CONTACT_CHANNELS), default="phone")
    content = TextAreaField(_l("What the complainant was told"),
                            validators=[DataRequired(_l("Write down what was said.")), Length(max=2000)])
    satisfaction = RadioField(_l("Complainant's satisfaction"), choices=_choices(labels.SATISFACTION),
                              validators=[InputRequired(_l("Record how satisfied the complainant is."))])
    satisfaction_note = StringField(_l("Their words"), validators=[Optional(), Length(max=1000)])


class ReviewForm(FlaskForm):
    conclusion = TextAreaField(_l("Conclusion of the management review"),
                               validators=[DataRequired(_l("Write the conclusion.")), Length(max=4000)])


class EscalateForm(FlaskForm):
    to_role = RadioField(_l("Escalate to"), choices=_choices(labels.ESCALATION_ROLES), default="cs_supervisor",
                         validators=[InputRequired(_l("Choose whom to escalate to."))])
    reason = StringField(_l("What has not been handled"),
                         validators=[DataRequired(_l("Say what has not been handled.")), Length(max=1000)])


class BoardFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    q = StringField(_l("Search"), validators=[Optional(), Length(max=40)])
    serious = BooleanField(_l("Serious"))
    overdue = BooleanField(_l("Overdue"))
    review = BooleanField(_l("Management review"))
    validity = SelectField(_l("Validity"), validators=[Optional()], validate_choice=False)
    department = SelectField(_l("Department"), coerce=id_or_zero, default=0, validate_choice=False)
    day_from = DateField(_l("Received from"), validators=[Optional()])
    day_to = DateField(_l("Received to"), validators=[Optional()])
    # set by the links of /reports/ (kept as hidden fields on the board)
    dates = StringField(validators=[Optional(), AnyOf(["received", "due"])])
    severity = StringField(validators=[Optional(), AnyOf(["normal", "serious", "pending"])])
    topic = StringField(validators=[Optional(), AnyOf(list(labels.TOPICS))])
    repeat = StringField(validators=[Optional(), AnyOf(["1"])])
    penalty = StringField(validators=[Optional(), AnyOf(["1"])])
    deadline = StringField(validators=[Optional(), AnyOf(["invalid_contact", "valid_record", "serious_result",
                                                          "other_units_contact"])])
    kept = StringField(validators=[Optional(), AnyOf(["judged", "on_time", "not_kept"])])

    REPORT_FIELDS = ("dates", "severity", "topic", "repeat", "penalty", "deadline", "kept")


class ActionFigureForm(FlaskForm):
    """The follow-up list as a figure of /reports/ opens it: the actions due in some days, of one kind."""

    class Meta:
        csrf = False

    day_from = DateField(_l("Due from"), validators=[Optional()])
    day_to = DateField(_l("Due to"), validators=[Optional()])
    which = StringField(validators=[Optional(), AnyOf(["due", "done", "verified", "ineffective", "late", "judged",
                                                       "on_time", "not_kept"])])
