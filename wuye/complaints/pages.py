"""What the complaint pages and their steps share: the blueprint, finding a complaint the reader may
see, the record page with every form of its steps, and the follow-up list. The GET routes are in
views.py, the POST of each step in steps.py; both render through here."""
from __future__ import annotations

from datetime import time

from flask import Blueprint, abort, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..formkit import options
from ..htmx import render
from ..i18n import local_to_utc, zone
from ..models import Complaint, Department, Role, User
from ..services.complaints import board as boards, intake as service
from ..services.complaints.access import action_steps, can_see, steps
from ..services.complaints.classification import proposed_severity
from ..services.complaints.record import result_problems
from ..services.deadlines.table import for_subject, running_by_subject
from ..web import current_project
from ..workflow.complaint import HANDLERS, SEE_ALL
from . import forms as f

bp = Blueprint("complaints", __name__, url_prefix="/complaints")


def complaint_or_404(number: str) -> Complaint:
    project = current_project()
    c = db.session.scalar(select(Complaint).where(Complaint.project_id == project.id, Complaint.number == number))
    if c is None or not can_see(current_user, c):
        abort(404)  # another's complaint is not even confirmed to exist
    return c


def local(dt, tz):
    """A form's naive local time as aware UTC."""
    return dt.replace(tzinfo=zone(tz)) if dt else None


def end_of(day, tz):
    """A due date means the end of that day where the project is."""
    return local_to_utc(day, time(23, 59), tz) if day else None


def actions_page(status: int = 200, bound: dict | None = None, error: str | None = None):
    """The follow-up list; a check posted from it and refused comes back here with its row's errors."""
    bound = bound or {}
    tracking = boards.action_tracking(current_user)
    open_ids = [a.id for a in tracking.overdue + tracking.running]
    forms = {a.id: bound.get(f"verify{a.id}") or f.VerifyForm(formdata=None, prefix=f"verify{a.id}")
             for a in tracking.to_check if "verify_action" in action_steps(current_user, a.complaint, a)}
    return render("complaints/actions.html", status=status, tracking=tracking, forms=forms,
                  deadlines=running_by_subject("corrective_action", open_ids), done=request.args.get("done"),
                  error=error)



class Choices:
    """The project's departments and people, read once per request for every form on the page."""

    def __init__(self, project_id: int):
        self.departments = list(db.session.scalars(select(Department).where(Department.project_id == project_id)
                                                   .order_by(Department.id)))
        self.people = list(db.session.scalars(select(User).where(
            User.project_id == project_id, User.active.is_(True), User.role != Role.ADMIN).order_by(User.name)))
        self.managers = [u for u in self.people if u.role in HANDLERS]

    def person(self, u: User) -> str:
        dept = next((d.name for d in self.departments if d.id == u.department_id), None)
        return f"{u.name} ({dept})" if dept else u.name

    def fill(self, form) -> None:
        names = [(u.id, self.person(u)) for u in self.people]
        if hasattr(form, "departments"):
            form.departments.choices = options([(d.id, d.name) for d in self.departments])
        if hasattr(form, "people"):
            form.people.choices = options(names)
        if hasattr(form, "handler"):
            form.handler.choices = options([(0, "—")] + [(u.id, self.person(u)) for u in self.managers])
        if hasattr(form, "owner"):
            form.owner.choices = options([(0, "—")] + names)
        if hasattr(form, "responsible_department"):
            form.responsible_department.choices = options([(0, "—")] + [(d.id, d.name) for d in self.departments])
        if hasattr(form, "responsible_user"):
            form.responsible_user.choices = options([(0, "—")] + names)


FORMS = {
    "register": f.RegisterForm, "forward": f.ForwardForm, "repeat": f.RepeatForm, "classify": f.ClassifyForm,
    "overrule": f.OverruleForm, "assign": f.AssignForm, "refer": f.ReasonForm, "record": f.FindingsForm,
    "confirm": f.NoteForm, "inspect": f.InspectionForm, "action": f.ActionForm, "penalty": f.PenaltyForm,
    "result": f.ResultForm, "contact": f.ContactForm, "reply": f.ReplyForm, "close": f.NoteForm,
    "close_on_spot": f.NoteForm, "review": f.ReviewForm, "escalate": f.EscalateForm,
}


def _defaults(c: Complaint, name: str) -> dict:
    classification = {"validity": c.validity, "severity": c.severity or "normal", "criteria": c.criteria or [],
                      "normal_kind": c.normal_kind, "note": c.validity_note, "other_units": c.other_units,
                      "other_units_note": c.other_units_note,
                      "valid_reason": c.validity_reason if c.validity == "valid" else None,
                      "invalid_reason": c.validity_reason if c.validity == "invalid" else None}
    severity, criteria = proposed_severity(c)
    return {
        "register": {"topic": c.topic or "", "severity": severity, "criteria": criteria,
                     "work_log": c.content, "forward_mode": "written" if severity == "serious" else "phone"},
        "forward": {"mode": "written" if c.serious else "phone"},
        "classify": classification,
        "overrule": classification,
        "record": {"cause": c.cause, "responsibility": c.responsibility,
                   "responsible_department": c.responsible_department_id or 0,
                   "responsible_user": c.responsible_user_id or 0},
        "assign": {"handler": c.handler_id or 0},
        "penalty": {"decision": c.penalty_decision,
                    "reference": c.penalty_reference or _("Staff appraisal and reward/penalty rules")},
    }.get(name, {})


def build_forms(c: Complaint, bound: dict | None = None) -> dict:
    bound = bound or {}
    choices = Choices(c.project_id)
    out = {}
    for name, cls in FORMS.items():
        form = bound.get(name) or cls(formdata=None, prefix=name, data=_defaults(c, name))
        choices.fill(form)
        out[name] = form
    for a in c.actions:
        for kind, cls in (("done", f.ActionDoneForm), ("verify", f.VerifyForm)):
            key = f"{kind}{a.id}"
            out[key] = bound.get(key) or cls(formdata=None, prefix=key)
    out["_choices"] = choices
    return out


def page(c: Complaint, status: int = 200, bound: dict | None = None, error: str | None = None,
         message: str | None = None, block: str = "body"):
    allowed = steps(current_user, c)
    return render("complaints/record.html", block=block, c=c, allowed=allowed, forms=build_forms(c, bound),
                  action_steps={a.id: action_steps(current_user, c, a) for a in c.actions},
                  deadlines=for_subject(c), action_deadlines={a.id: for_subject(a) for a in c.actions},
                  events=boards.timeline(c), later=boards.later_complaints(c),
                  close_problems=service.close_problems(c) if "close" in allowed else [],
                  result_problems=result_problems(c) if "record_result" in allowed else [],
                  error=error, message=message, status=status, see_all=current_user.role in SEE_ALL)
