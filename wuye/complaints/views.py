"""Complaint pages: intake on a phone by any employee, "my complaints", the board, the full record
with its timeline, the management review list, and the two printable documents."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import bindparam, select

from ..clock import now as clock_now
from ..database import prepared
from ..extensions import db
from ..formkit import options
from ..htmx import redirect_to, render
from ..i18n import zone
from ..models import Department, Unit
from ..permissions import roles
from ..numbers import arg_id
from ..services import DomainError
from ..services.complaints import board as boards, intake as service
from ..services.delivery import consent
from ..services.repairs.board import find_units
from ..services.deadlines.table import for_subject, length_of, rule_for, running_by_subject
from ..web import actor, current_project
from ..workflow.complaint import BOARD_ROLES, COLUMNS, COMPLAINT, EMPLOYEES, REVIEW_ROLES
from . import forms as f
from . import labels
from .cards import CardWriter
from .pages import Choices, actions_page, bp, complaint_or_404, local, page

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
            solved_on_spot=form.solved_on_spot.data, spot_action=form.spot_action.data or "",
            sms_consent=bool(form.sms_consent.data))
        try:
            c = service.take(actor(), project, intake)
        except DomainError as e:
            db.session.rollback()
            if getattr(e, "field", None) == "sms_consent":
                form.sms_consent.errors = [e.message]
            else:
                error = e.message
        else:
            return redirect_to(url_for("complaints.mine", taken=c.number))
    status = 422 if request.method == "POST" else 200
    if request.method == "GET":
        form.received_at.data = clock_now().astimezone(zone(project.timezone)).replace(
            second=0, microsecond=0, tzinfo=None)
    return render("complaints/new.html", form=form, unit=unit, error=error, status=status,
                  consent_checked=bool(form.sms_consent.data), sms_errors=form.sms_consent.errors,
                  consent_stored=_stored(project, unit.id if unit else None, form.complainant_phone.data))


def _stored(project, unit_id: int | None, phone: str | None) -> bool | None:
    return consent.stored_consent(project.id, unit_id, phone) if phone else None


@bp.route("/consent")
@roles(EMPLOYEES)
def sms_consent():
    """The SMS box for the number typed (and the unit picked): ticked when that number's contact agreed
    to messages on file and SMS can reach it."""
    project = current_project()
    phone = request.args.get("complainant_phone", "")[:30]
    unit_id = arg_id(request.args, "unit_id")  # an id too large for the column is no unit, not a 500
    unit = db.session.get(Unit, unit_id) if unit_id else None
    unit_id = unit.id if unit is not None and unit.project_id == project.id else None
    stored = _stored(project, unit_id, phone)
    return render("complaints/_sms_consent.html", consent_stored=stored,
                  consent_checked=stored is True and consent.mobile(phone) is not None, sms_errors=[])


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
    return list(db.session.scalars(_departments_statement(), {"project_id": project.id}))


@prepared
def _departments_statement():
    return select(Department).where(Department.project_id == bindparam("project_id")).order_by(Department.id)


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
        department_id=form.department.data or None, day_from=form.day_from.data, day_to=form.day_to.data,
        dates=form.dates.data or "received", severity=form.severity.data or None, topic=form.topic.data or None,
        repeat=form.repeat.data == "1", penalty=form.penalty.data == "1", deadline=form.deadline.data or None,
        kept=form.kept.data or None) if ok else boards.BoardFilter()
    from ..services.complaints import board_figures
    now = clock_now()
    pages = {state: request.args.get(f"page_{state}", 1, type=int) for state in COLUMNS}
    columns = boards.board(project, current_user, flt, pages, now)
    matched = board_figures.count(boards.query(project, current_user, flt, now)) \
        if board_figures.filtered(flt) else None
    cards = [c for col in columns.values() for c in col.cards]
    choices = None
    if current_user.role in COMPLAINT.transitions["assign"].roles:  # the supervisor names handlers from a card
        assign_form = f.AssignForm(formdata=None, prefix="assign")
        Choices(project.id).fill(assign_form)
        choices = assign_form.handler.choices
    card = CardWriter(current_app, boards.card_deadlines([c.id for c in cards]), choices)
    return render("complaints/board.html", block="columns", form=form, columns=columns, card=card,
                  more_url=_more_url, to_check=boards.actions_to_check(current_user),
                  closed_days=boards.CLOSED_SHOWN.days, status=200 if ok else 422, matched=matched)


def _more_url(state: str, pages: int) -> str:
    """The board as it is (filters, other columns' pages) with one more page of this column."""
    args = request.args.to_dict(flat=False)
    args[f"page_{state}"] = [str(pages + 1)]
    return url_for("complaints.board", **args)


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
    sees their own people's actions. A figure of /reports/ opens it as the list of the actions due in
    its period (`?which=`)."""
    if request.args.get("which") or request.args.get("day_from") or request.args.get("day_to"):
        return _action_figure()
    return actions_page()


def _action_figure():
    from ..services.complaints import board_figures
    form = f.ActionFigureForm(request.args)
    if not form.validate():
        return render("complaints/action_figure.html", form=form, actions=[], status=422)
    project = current_project()
    rows = board_figures.actions(project, boards.scope(current_user), form.day_from.data, form.day_to.data,
                                 form.which.data or "due", clock_now())
    return render("complaints/action_figure.html", form=form, actions=rows, which=form.which.data or "due")



# ---- the full record ------------------------------------------------------------------------

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
    due = serious[-1] if serious else None
    return render("print/complaint_forwarding.html", c=c, forwarding=c.written_forwarding or (
        c.forwardings[-1] if c.forwardings else None), serious_due=due,
        serious_length=length_of(due) if due else rule_for(c.project_id, "serious_result").length)


@bp.route("/<number>/print")
@roles(BOARD_ROLES)
def print_record(number: str):
    """顾客投诉处理记录表, printed for signatures and the file."""
    c = complaint_or_404(number)
    return render("print/complaint_record.html", c=c, missed=boards.missed_deadlines(c))

