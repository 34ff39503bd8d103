"""The POST of each step on a complaint: validate its form, call its one service function, answer
with the record again (the fragment for htmx, a 303 for a plain form). Roles come from the state
machine; the service checks the rest."""
from __future__ import annotations

from collections.abc import Callable

from flask import make_response, request, url_for
from flask_babel import gettext as _

from ..errors import error_response
from ..extensions import db
from ..htmx import add_trigger, redirect_to
from ..models import Complaint
from ..permissions import roles
from ..services import DomainError
from ..services.complaints import classification as classification
from ..services.complaints import record as handling
from ..services.complaints import intake as service
from ..web import actor, current_project
from ..workflow.complaint import COMPLAINT
from . import forms as f
from .views import Choices, actions_page, bp, complaint_or_404, end_of, local, page

BACK = {"mine": "complaints.mine", "review": "complaints.review_list", "board": "complaints.board",
        "actions": "complaints.actions"}  # pages a
# step may return to; from a board card htmx gets no page but an event, and the board refreshes itself


def step_roles(*names: str):
    out: set[str] = set()
    for name in names:
        out |= COMPLAINT.transitions[name].roles
    return roles(out)


def _refused(number: str, back: str | None, bound: dict, status: int, message: str):
    """A refused step comes back where it was sent from, its form's answers and errors kept."""
    if back == BACK["actions"]:
        return actions_page(status, bound, message)
    return page(complaint_or_404(number), status=status, bound=bound, error=message)


def run(number: str, key: str, form_cls, apply: Callable, done_message: str):
    c = complaint_or_404(number)
    form = form_cls(prefix=key)
    Choices(c.project_id).fill(form)
    back = BACK.get(request.form.get("back", ""))
    on_card = back == BACK["board"] and request.htmx
    if not form.validate_on_submit():
        db.session.rollback()
        if on_card:
            return error_response(422, "; ".join(str(m) for errs in form.errors.values() for m in errs))
        return _refused(number, back, {key: form}, 422, _("Some fields need correcting; nothing was saved."))
    try:
        apply(c, form)
    except DomainError as e:
        db.session.rollback()
        if on_card:
            return error_response(e.status, e.message)
        return _refused(number, back, {key: form}, e.status, e.message)
    if on_card:
        return add_trigger(make_response("", 204), "complaint-changed", number)
    if back:
        return redirect_to(url_for(back, done=number))
    if request.htmx:
        db.session.expire_all()
        return add_trigger(page(complaint_or_404(number), message=done_message), "complaint-changed", number)
    return redirect_to(url_for("complaints.show", number=number))


def tz() -> str:
    return current_project().timezone


def _forwarding(form, mode: str, note: str | None) -> classification.Forwarding:
    return classification.Forwarding(mode=mode, department_ids=form.departments.data or [],
                              people_ids=form.people.data or [], note=note or "")


def _classification(form) -> classification.Classification:
    return classification.Classification(
        validity=form.validity.data, reason=form.reason, severity=form.severity.data,
        criteria=form.criteria.data or [], normal_kind=form.normal_kind.data, note=form.note.data or "",
        other_units=bool(form.other_units.data), other_units_note=form.other_units_note.data or "")


@bp.route("/<number>/register", methods=["POST"])
@step_roles("register")
def register(number: str):
    def apply(c: Complaint, form):
        classification.register(actor(), c, classification.Registration(
            topic=form.topic.data, work_log=form.work_log.data, severity=form.severity.data,
            criteria=form.criteria.data or [],
            forwarding=_forwarding(form, form.forward_mode.data, form.forward_note.data)))
    return run(number, "register", f.RegisterForm, apply, _("Registered and forwarded."))


@bp.route("/<number>/forward", methods=["POST"])
@step_roles("forward")
def forward(number: str):
    return run(number, "forward", f.ForwardForm,
               lambda c, form: classification.forward(actor(), c, _forwarding(form, form.mode.data, form.note.data)),
               _("Forwarding recorded."))


@bp.route("/<number>/repeat", methods=["POST"])
@step_roles("decide_repeat")
def repeat(number: str):
    return run(number, "repeat", f.RepeatForm,
               lambda c, form: classification.decide_repeat(actor(), c, form.decision.data == "confirm",
                                                            form.reason.data),
               _("Repeat decision recorded."))


@bp.route("/<number>/classify", methods=["POST"])
@step_roles("judge_valid", "judge_invalid")
def classify(number: str):
    return run(number, "classify", f.ClassifyForm,
               lambda c, form: classification.classify(actor(), c, _classification(form)), _("Classified."))


@bp.route("/<number>/overrule", methods=["POST"])
@step_roles("overrule")
def overrule(number: str):
    return run(number, "overrule", f.OverruleForm,
               lambda c, form: classification.overrule(actor(), c, _classification(form),
                                                       form.reason_for_overrule.data),
               _("Classification overruled."))


@bp.route("/<number>/assign", methods=["POST"])
@step_roles("assign")
def assign(number: str):
    return run(number, "assign", f.AssignForm, lambda c, form: classification.assign(actor(), c, form.handler.data),
               _("Handler named."))


@bp.route("/<number>/refer", methods=["POST"])
@step_roles("refer")
def refer(number: str):
    return run(number, "refer", f.ReasonForm, lambda c, form: classification.refer(actor(), c, form.reason.data),
               _("Referred to the customer service supervisor."))


@bp.route("/<number>/record", methods=["POST"])
@step_roles("fill_record")
def record(number: str):
    return run(number, "record", f.FindingsForm, lambda c, form: handling.fill_record(actor(), c, handling.Findings(
        cause=form.cause.data, responsibility=form.responsibility.data,
        responsible_department_id=form.responsible_department.data or None,
        responsible_user_id=form.responsible_user.data or None)), _("Cause and responsibility recorded."))


@bp.route("/<number>/confirm", methods=["POST"])
@step_roles("confirm")
def confirm(number: str):
    return run(number, "confirm", f.NoteForm, lambda c, form: handling.confirm(actor(), c, form.note.data or ""),
               _("Confirmation recorded."))


@bp.route("/<number>/inspect", methods=["POST"])
@step_roles("inspect")
def inspect(number: str):
    return run(number, "inspect", f.InspectionForm, lambda c, form: handling.inspect(actor(), c, handling.Inspection(
        at=local(form.at.data, tz()), participants=form.participants.data, findings=form.findings.data)),
        _("On-site inspection recorded."))


@bp.route("/<number>/actions", methods=["POST"])
@step_roles("set_action")
def set_action(number: str):
    return run(number, "action", f.ActionForm, lambda c, form: handling.set_action(
        actor(), c, form.description.data, form.owner.data, end_of(form.due_date.data, tz())),
        _("Corrective action set."))


@bp.route("/<number>/actions/<int:action_id>/done", methods=["POST"])
@step_roles("action_done")
def action_done(number: str, action_id: int):
    return run(number, f"done{action_id}", f.ActionDoneForm,
               lambda c, form: handling.action_done(actor(), c, action_id, form.note.data),
               _("Corrective action reported done."))


@bp.route("/<number>/actions/<int:action_id>/verify", methods=["POST"])
@step_roles("verify_action")
def verify_action(number: str, action_id: int):
    return run(number, f"verify{action_id}", f.VerifyForm, lambda c, form: handling.verify_action(
        actor(), c, action_id, form.outcome.data == "effective", form.note.data or "",
        end_of(form.new_due_date.data, tz())), _("Check recorded."))


@bp.route("/<number>/penalty", methods=["POST"])
@step_roles("decide_penalty")
def penalty(number: str):
    return run(number, "penalty", f.PenaltyForm,
               lambda c, form: handling.decide_penalty(actor(), c, form.decision.data, form.reference.data),
               _("Penalty decision recorded."))


@bp.route("/<number>/result", methods=["POST"])
@step_roles("record_result")
def result(number: str):
    return run(number, "result", f.ResultForm, lambda c, form: handling.record_result(actor(), c, form.result.data),
               _("Handling result recorded: answer the complainant."))


@bp.route("/<number>/contacts", methods=["POST"])
@step_roles("contact")
def contact(number: str):
    return run(number, "contact", f.ContactForm, lambda c, form: handling.record_contact(actor(), c, handling.Contact(
        at=local(form.at.data, tz()), channel=form.channel.data, content=form.content.data,
        purpose=form.purpose.data)), _("Contact recorded."))


@bp.route("/<number>/reply", methods=["POST"])
@step_roles("reply")
def reply(number: str):
    return run(number, "reply", f.ReplyForm, lambda c, form: handling.record_reply(actor(), c, handling.Contact(
        at=local(form.at.data, tz()), channel=form.channel.data, content=form.content.data),
        form.satisfaction.data, form.satisfaction_note.data or ""), _("Answer recorded."))


@bp.route("/<number>/close", methods=["POST"])
@step_roles("close")
def close(number: str):
    return run(number, "close", f.NoteForm, lambda c, form: service.close(actor(), c, form.note.data or ""),
               _("Complaint closed."))


@bp.route("/<number>/close-on-spot", methods=["POST"])
@step_roles("close_on_spot")
def close_on_spot(number: str):
    return run(number, "close_on_spot", f.NoteForm,
               lambda c, form: service.close_on_spot(actor(), c, form.note.data or ""), _("Complaint closed."))


@bp.route("/<number>/review", methods=["POST"])
@step_roles("review")
def review(number: str):
    return run(number, "review", f.ReviewForm, lambda c, form: classification.review(actor(), c, form.conclusion.data),
               _("Management review conclusion recorded."))


@bp.route("/<number>/escalate", methods=["POST"])
@step_roles("escalate")
def escalate(number: str):
    return run(number, "escalate", f.EscalateForm,
               lambda c, form: service.escalate(actor(), c, form.to_role.data, form.reason.data),
               _("Escalated."))

