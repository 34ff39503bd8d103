"""The resident's card on the desk's order page: the private link (its token shown once, kept in the
clerk's own session from intake until the order page shows it), the 服务单, 回访 and time requests.
No routes here: views.py and residents.py both render it."""
from __future__ import annotations

from flask import abort, request, session
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..extensions import db
from ..formkit import options
from ..models import RepairOrder
from ..services import DomainError
from ..services.residents import appointments
from ..services.residents import link as links
from ..services.residents import service_form as feedback
from ..web import actor

_FRESH = "resident_link_fresh"


class LinkForm(FlaskForm):
    """Issue or revoke: the CSRF token is all it carries."""


class PrintForm(FlaskForm):
    token = HiddenField()  # the link on screen, so the paper carries the same one


class AnswerForm(FlaskForm):
    decision = RadioField(_l("Answer"), choices=options([("accept", _l("Accept the new time")),
                                                         ("refuse", _l("Refuse"))]),
                          validators=[InputRequired(_l("Accept or refuse."))])
    note = StringField(_l("Note for the resident"), validators=[Optional(), Length(max=500)])


class ReturnVisitForm(FlaskForm):
    note = TextAreaField(_l("What the resident said, what was done"),
                         validators=[InputRequired(_l("Note what the resident said and what was done.")),
                                     Length(max=2000)])


def remember_fresh(order: RepairOrder, token: str) -> None:
    session[_FRESH] = {"number": order.number, "token": token}


def take_fresh(order: RepairOrder) -> str | None:
    fresh = session.get(_FRESH)
    if fresh and fresh.get("number") == order.number:
        session.pop(_FRESH)
        return fresh["token"]
    return None


def issue_after_intake(order: RepairOrder) -> None:
    """Intake ends with a link to send; should it fail, the order stands and the page offers one."""
    from ..services.delivery.residents import issue_intake_link
    try:
        token = issue_intake_link(actor(), order)  # and its SMS, if the contact agreed at intake
    except DomainError:
        db.session.rollback()
        return
    remember_fresh(order, token)


def resident_context(order: RepairOrder, token: str | None = None, error: str | None = None) -> dict:
    """What the order page shows of the resident's side."""
    return {
        "token": token, "url": links.link_url(token) if token else None, "error": error,
        "links": links.live_links(order), "form": feedback.form_for(order),
        "return_visits": feedback.return_visits_for(order), "requests": appointments.requests_for(order),
        "link_form": LinkForm(), "answer_form": AnswerForm(prefix="answer"),
        "visit_form": ReturnVisitForm(prefix="visit"), "decline_reasons": feedback.DECLINE_REASONS,
    }


def print_link(order: RepairOrder) -> str | None:
    """The link a printout carries: the one on screen if the desk posted it, else a new one."""
    if request.method != "POST":
        return None
    form = PrintForm()
    if not form.validate_on_submit():
        abort(400)
    token = form.token.data or None
    if links.live_link_for(order, token) is None:
        _link, token = links.issue_link(actor(), order, channel="print")
    return links.link_url(token)
