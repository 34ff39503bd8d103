"""Complaint pages: intake on a phone by any employee, "my complaints", the board, the full record
with its timeline, the management review list, and the two printable documents."""
from __future__ import annotations

from datetime import time, timedelta

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..clock import now as clock_now
from ..extensions import db
from ..formkit import options
from ..htmx import redirect_to, render
from ..i18n import local_to_utc, zone
from ..models import Complaint, Department, Role, Unit, User
from ..permissions import roles
from ..services import DomainError
from ..services.complaints import board as boards
from ..services.complaints import intake as service
from ..services.repairs.board import find_units
from ..services.complaints.access import action_steps, can_see, steps
from ..services.complaints.record import result_problems
from ..services.deadlines.table import for_subject, running_by_subject
from ..web import actor, current_project
from ..workflow.complaint import BOARD_ROLES, COMPLAINT, EMPLOYEES, REVIEW_ROLES, SEE_ALL
from . import forms as f
from . import labels

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


# ---- B2: intake by any employee, on a phone -------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@roles(EMPLOYEES)
def new():
    project = current_project()
    form = f.IntakeForm()
    unit = None
    if form.unit_id.data:
        unit = db.session.get(Unit, form.unit_id.data)
        if unit is None or unit.project_id != project.id:
            unit, form.unit_id.data = None, None
    error = None
    if form.validate_on_submit():
        intake = service.Intake(
            channel=form.channel.data, complainant_name=form.complainant_name.data, content=form.content.data,
            complainant_phone=form.complainant_phone.data or "", unit_id=unit.id if unit else None,
            topic=form.topic.data or None, received_at=local(form.received_at.data, project.timezone),
            solved_on_spot=form.solved_on_spot.data, spot_action=form.spot_action.data or "")
        try:
            c = service.take(actor(), project, intake)
        except DomainError as e:
            db.session.rollback()
            error = e.message
        else:
            return redirect_to(url_for("complaints.mine", taken=c.number))
    status = 422 if request.method == "POST" else 200
    if request.method == "GET":
        form.received_at.data = clock_now().astimezone(zone(project.timezone)).replace(
            second=0, microsecond=0, tzinfo=None)
    return render("complaints/new.html", form=form, unit=unit, error=error, status=status)


@bp.route("/units")
@roles(EMPLOYEES)
def units():
    project = current_project()
    q = request.args.get("unit_query", "")[:60]
    return render("complaints/_units.html", units=find_units(project, q), q=q, picked=None)


@bp.route("/mine")
@roles(EMPLOYEES)
def mine():
    """The receiving employee follows what they forwarded (B2 4)), and does their corrective actions."""
    received = boards.received_by(current_user)
    actions = boards.actions_of(current_user)
    return render("complaints/mine.html", received=received, actions=actions,
                  involving=boards.involving(current_user), urgent=boards.urgent_deadlines(received),
                  action_deadlines=running_by_subject("corrective_action", [a.id for a in actions]),
                  taken=request.args.get("taken"), done=request.args.get("done"),
                  escalate_form=f.EscalateForm(formdata=None, prefix="escalate"),
                  done_forms={a.id: f.ActionDoneForm(formdata=None, prefix=f"done{a.id}") for a in actions})


# ---- the board -------------------------------------------------------------------------------

def _departments(project) -> list[Department]:
    return list(db.session.scalars(select(Department).where(Department.project_id == project.id)
                                   .order_by(Department.id)))


@bp.route("/")
@roles(BOARD_ROLES)
def board():
    project = current_project()
    form = f.BoardFilterForm(request.args)
    form.validity.choices = options([("", _("Any validity")), ("pending", _("Not yet judged")),
                                     ("valid", labels.VALIDITY["valid"]), ("invalid", labels.VALIDITY["invalid"])])
    form.department.choices = options([(0, _("All departments"))] + [(d.id, d.name) for d in _departments(project)])
    ok = form.validate()
    flt = boards.BoardFilter(
        q=form.q.data, serious=bool(form.serious.data), overdue=bool(form.overdue.data),
        review=bool(form.review.data), validity=form.validity.data or None,
        department_id=form.department.data or None) if ok else boards.BoardFilter()
    columns = boards.board(project, current_user, flt)
    cards = [c for cs in columns.values() for c in cs]
    urgent = boards.urgent_deadlines(cards)
    columns = {s: (boards.sort_by_urgency(cs, urgent) if s != "closed" else cs) for s, cs in columns.items()}
    assign_form = None
    if current_user.role in COMPLAINT.transitions["assign"].roles:  # the supervisor names handlers from a card
        assign_form = f.AssignForm(formdata=None, prefix="assign")
        Choices(project.id).fill(assign_form)
    return render("complaints/board.html", block="columns", form=form, columns=columns, urgent=urgent,
                  to_check=boards.actions_to_check(current_user),
                  assign_form=assign_form, status=200 if ok else 422)


@bp.route("/review")
@roles(REVIEW_ROLES)
def review_list():
    """管理评审: the complaints caused by quality-system defects, and the figures of the last quarter."""
    project = current_project()
    days = request.args.get("days", type=int) or 90
    days = max(7, min(days, 366))
    since = clock_now() - timedelta(days=days)
    return render("complaints/review.html", complaints=boards.review_list(project),
                  figures=boards.figures(project, since), days=days, form=f.ReviewForm(formdata=None, prefix="review"))


@bp.route("/actions")
@roles(BOARD_ROLES)
def actions():
    """纠正措施跟踪: customer service checks each action reported done and chases the late ones
    (B5: "根据纠正措施应完成的时间，客服部对投诉的纠正措施及时进行跟踪检查"). A department head
    sees their own people's actions."""
    return actions_page()


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


# ---- the full record ------------------------------------------------------------------------

class Choices:
    """The project's departments and people, read once per request for every form on the page."""

    def __init__(self, project_id: int):
        self.departments = list(db.session.scalars(select(Department).where(Department.project_id == project_id)
                                                   .order_by(Department.id)))
        self.people = list(db.session.scalars(select(User).where(
            User.project_id == project_id, User.active.is_(True), User.role != Role.ADMIN).order_by(User.name)))
        self.managers = [u for u in self.people if u.role in service.MANAGER_ROLES]

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
    return {
        "register": {"topic": c.topic or "", "severity": c.severity or "normal", "criteria": c.criteria or [],
                     "work_log": c.content, "forward_mode": "written" if c.serious else "phone"},
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


@bp.route("/<number>")
@roles(EMPLOYEES)
def show(number: str):
    # the deadlines card polls for itself; a plain request still gets the whole page
    return page(complaint_or_404(number), block="deadlines" if request.args.get("part") == "deadlines" else "body")


# ---- printable documents --------------------------------------------------------------------

@bp.route("/<number>/forwarding")
@roles(BOARD_ROLES)
def print_forwarding(number: str):
    """书面转呈: the written forwarding of a serious complaint, made from the record."""
    c = complaint_or_404(number)
    serious = [d for d in for_subject(c) if d.kind == "serious_result"]
    return render("print/complaint_forwarding.html", c=c, forwarding=c.written_forwarding or (
        c.forwardings[-1] if c.forwardings else None), serious_due=serious[-1] if serious else None)


@bp.route("/<number>/print")
@roles(BOARD_ROLES)
def print_record(number: str):
    """顾客投诉处理记录表, printed for signatures and the file."""
    c = complaint_or_404(number)
    return render("print/complaint_record.html", c=c)


from . import steps as _step_routes  # noqa: E402,F401  (the POST routes of each step, on this blueprint)
