"""The resident's forms: the 服务单 and a request to move the appointment."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..desk.forms import WINDOWS
from ..formkit import options
from ..services.residents.service_form import DECLINE_REASONS

# the best first, as Chinese satisfaction forms print it: 非常满意 … 非常不满意
SCORES = [(5, _l("Very satisfied")), (4, _l("Satisfied")), (3, _l("Acceptable")), (2, _l("Dissatisfied")),
          (1, _l("Very dissatisfied"))]


def _score(label):
    return RadioField(label, choices=options(SCORES), coerce=int,
                      validators=[InputRequired(_l("Choose a score from 1 to 5."))])


class ServiceFormBase(FlaskForm):
    overall = _score(_l("Overall"))
    timeliness = _score(_l("Timeliness"))
    attitude = _score(_l("Attitude"))
    comments = TextAreaField(_l("Comments"), validators=[Optional(), Length(max=1000)])


class CompletedServiceForm(ServiceFormBase):
    quality = _score(_l("Quality of the repair"))


class DeclinedServiceForm(ServiceFormBase):
    declined_reason = RadioField(_l("Why did you decline the repair?"),
                                 choices=options(list(DECLINE_REASONS.items())),
                                 validators=[InputRequired(_l("Tell us why you declined the repair."))])


class ChangeRequestForm(FlaskForm):
    day = SelectField(_l("Day"), validators=[InputRequired(_l("Choose a day."))], validate_choice=True)
    window = SelectField(_l("Time window"), choices=options([("", "—")] + [(w, w) for w in WINDOWS]),
                         validators=[InputRequired(_l("Choose a time window."))])
    note = TextAreaField(_l("Note for the service desk"), validators=[Optional(), Length(max=500)])
