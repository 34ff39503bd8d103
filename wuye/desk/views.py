"""The front desk: intake, the board, the order page, dispatch, printing."""
from __future__ import annotations

import dataclasses

from flask import abort, current_app, request, url_for
from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from ..database import prepared
from ..database import rows as database_rows
from ..extensions import db
from ..formkit import options
from ..htmx import add_trigger, redirect_to, render
from ..clock import now as clock_now
from ..i18n import local_day, local_to_utc, zone
from ..labels import STATES, URGENCIES, category_label, label
from ..models import Role, Unit, User
from ..numbers import get_by_id, id_or_zero
from ..permissions import roles
from ..photos import SIZES, photo_response
from ..services import DomainError
from ..services.delivery import consent
from ..services.repairs import intake as repair_service
from ..services.repairs.board import BoardFilter, find_units, recent_orders_for_unit, search
from ..services.orgs import categories, window_choices
from ..web import actor, current_project
from ..workflow.repair import DESK
from .board_rows import RowWriter
from .common import bp, order_or_404, technician_choices
from .order_page import order_page
from .resident_card import issue_after_intake, print_link
from .forms import (BoardFilterForm, BoardSearchForm, CancelForm, ChargeChangeForm, CorrectSheetForm, DispatchForm, IntakeForm, ReassignForm,
                    appointment_days,
                    window_times)

def _intake_form(project) -> tuple[IntakeForm, list]:
    form = IntakeForm()
    form.category.choices = options([("", "—")] + [(c.code, category_label(c.code)) for c in categories(project)])
    staff = db.session.scalars(
        select(User).where(User.project_id == project.id, User.active.is_(True), User.role != Role.ADMIN)
        .order_by(User.name)).all()
    form.reported_by.choices = options([(0, "—")] + [(u.id, u.name) for u in staff])
    form.technician.choices, loads = technician_choices(project, _("Not now — dispatch later"))
    form.appointment_date.choices = options(appointment_days(local_day(clock_now(), project.timezone)))
    form.appointment_window.choices = options(window_choices(project.id))
    return form, loads


def _intake_from_form(form: IntakeForm, project) -> repair_service.Intake:
    tz = project.timezone
    called_at = None
    if form.called_at.data:
        called_at = form.called_at.data.replace(tzinfo=zone(tz))
    start = end = None
    if form.urgency.data == "normal":
        t0, t1 = window_times(form.appointment_window.data)
        start = local_to_utc(form.appointment_date.data, t0, tz)
        end = local_to_utc(form.appointment_date.data, t1, tz)
    return repair_service.Intake(
        source=form.source.data, unit_id=int(form.unit_id.data), contact_name=form.contact_name.data,
        contact_phone=form.contact_phone.data, category=form.category.data,
        description=form.description.data, urgency=form.urgency.data, called_at=called_at,
        appointment_start=start, appointment_end=end,
        reported_by_id=form.reported_by.data or None, technician_id=form.technician.data or None,
        overdue_confirmed=bool(form.overdue_confirmed.data),
        charge_type=form.charge_type.data or None, charge_note=form.charge_note.data,
        sms_consent=bool(form.sms_consent.data))


def _call_time_bounds(project) -> tuple[str, str]:
    """min and max of the time-of-call picker, in the project's local time."""
    now = clock_now()
    fmt = "%Y-%m-%dT%H:%M"
    tz = zone(project.timezone)
    return ((now - repair_service.backdate_limit()).astimezone(tz).strftime(fmt),
            (now + repair_service.CALL_TIME_SKEW).astimezone(tz).strftime(fmt))


def _proposal(project, unit_id, category: str | None):
    """The charge type proposed for the unit and category on the intake form, or None until both are known."""
    from ..services.repairs import warranty
    unit = get_by_id(Unit, id_or_zero(unit_id))  # text from the query: out of the column's range is no unit
    if unit is None or unit.project_id != project.id or not category:
        return None
    return warranty.propose(unit, category, clock_now())


@bp.route("/repairs/new", methods=["GET", "POST"])
@roles(DESK)
def intake():
    project = current_project()
    form, loads = _intake_form(project)
    unit = None
    if id_or_zero(form.unit_id.data):
        unit = db.session.get(Unit, id_or_zero(form.unit_id.data))
        if unit is not None and unit.project_id != project.id:
            unit = None
    error = overdue = None
    if form.validate_on_submit():
        try:
            order = repair_service.create_order(actor(), project, _intake_from_form(form, project))
        except repair_service.FiledOverdue as e:
            overdue = e.message  # a warning the clerk confirms, not a refusal
        except DomainError as e:
            field = getattr(form, getattr(e, "field", ""), None)
            if field is not None:
                field.errors = [*field.errors, e.message]
            else:
                error = e.message
        else:
            issue_after_intake(order)
            return redirect_to(url_for("desk.order", number=order.number, created=1))
    status = 422 if request.method == "POST" else 200
    if request.method == "GET":
        form.called_at.data = clock_now().astimezone(zone(project.timezone)).replace(
            second=0, microsecond=0, tzinfo=None)
    stored = consent.stored_consent(project.id, unit.id, form.contact_phone.data) if unit is not None else None
    return render("desk/intake.html", form=form, unit=unit, loads=loads, error=error, status=status,
                  overdue=overdue, call_time_bounds=_call_time_bounds(project),
                  consent_checked=bool(form.sms_consent.data), consent_stored=stored,
                  sms_errors=form.sms_consent.errors, consent_default=consent.default_for_contact,
                  recent=recent_orders_for_unit(unit) if unit else [],
                  proposal=_proposal(project, form.unit_id.data, form.category.data))


@bp.route("/repairs/charge-proposal")
@roles(DESK)
def charge_proposal():
    """The intake form's 'who pays' part, proposed again when the unit or the category changes."""
    project = current_project()
    form = IntakeForm(request.args, meta={"csrf": False})
    return render("desk/_charge.html", form=form,
                  proposal=_proposal(project, request.args.get("unit_id"), request.args.get("category", "")[:32]))


@bp.route("/units/search")
@roles(DESK)
def unit_search():
    project = current_project()
    q = request.args.get("unit_query", "")[:60]
    return render("desk/_unit_results.html", units=find_units(project, q), q=q)


@bp.route("/units/<int:unit_id>/pick")
@roles(DESK)
def unit_pick(unit_id: int):
    project = current_project()
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.project_id != project.id:
        abort(404)
    # the 'who pays' proposal listens for this (templates/desk/_charge.html); the SMS consent box comes
    # with it (out of band), ticked as the first contact's record says
    first = unit.contacts[0] if unit.contacts else None
    return add_trigger(render("desk/_unit_picked.html", unit=unit, recent=recent_orders_for_unit(unit), oob=True,
                              consent_default=consent.default_for_contact,
                              consent_checked=consent.default_for_contact(first) if first else False,
                              consent_stored=first.may_receive_messages if first else None),
                       "unit-picked", unit.id)


def _board_filter(form: BoardSearchForm) -> BoardFilter:
    flt = BoardFilter(
        state=form.state.data or None, urgency=form.urgency.data or None,
        technician_id=form.technician.data or None, unit_id=form.unit.data or None,
        day_from=form.day_from.data, day_to=form.day_to.data, q=form.q.data, before=form.before.data,
        overdue=bool(form.overdue.data))
    if not isinstance(form, BoardFilterForm):
        return flt
    return dataclasses.replace(
        flt, source=form.source.data or None, category=form.category.data or None,
        building_id=form.building.data or None, still_open=form.open.data == "1",
        revisit={"1": True, "0": False}.get(form.revisit.data or ""), late=form.late.data or None,
        responsible=form.responsible.data or None, kept=form.kept.data or None,
        dates=form.dates.data or "created", method=form.method.data or None,
        collected_by=form.collected_by.data or None, handover=form.handover.data or None,
        score=int(form.score.data) if form.score.data else None, answered=form.answered.data == "1",
        ended=form.ended.data == "1", return_visit=form.return_visit.data or None, charge=form.charge.data or None,
        claim=form.claim.data or None)


@bp.route("/repairs")
@roles(DESK)
def board():
    project = current_project()
    figures = any(name in request.args for name in BoardFilterForm.REPORT_FIELDS)
    form = (BoardFilterForm if figures else BoardSearchForm)(request.args)
    form.state.choices = options([("", _("All states"))] + [(k, label(STATES, k)) for k in STATES])
    form.urgency.choices = options([("", _("All"))] + [(k, label(URGENCIES, k)) for k in URGENCIES])
    techs = database_rows(_technicians_statement(), {"project_id": project.id, "role": Role.TECHNICIAN})
    form.technician.choices = options([(0, _("All technicians"))] + [(t.id, t.name) for t in techs])
    if not form.validate():
        return render("desk/board.html", block="results", form=form, orders=[], next_cursor=None,
                      status=422, filter_args={}, row=None)
    flt = _board_filter(form)
    orders, next_cursor = search(project, flt, current_app.config["WUYE_PAGE_SIZE"])
    filter_args = {k: v for k, v in request.args.items() if k != "before" and v}
    block = "rows" if request.args.get("before") else "results"
    from ..services.repairs import board_figures
    summary = board_figures.summary(project, flt) if board_figures.filtered(flt) and block == "results" else None
    return render("desk/board.html", block=block, form=form, orders=orders, next_cursor=next_cursor, summary=summary,
                  filter_args=filter_args, row=RowWriter())


@prepared
def _technicians_statement():
    # the board's technician filter: (id, name) rows, not users
    return (select(User.id, User.name).where(User.project_id == bindparam("project_id"), User.role == bindparam("role"))
            .order_by(User.name))


@bp.route("/repairs/<number>")
@roles(DESK)
def order(number: str):
    # the deadlines card polls for itself; a plain request still gets the whole page
    return order_page(order_or_404(number), block="deadlines" if request.args.get("part") == "deadlines" else None)


def _action(number: str, form_cls, prefix: str, apply):
    order = order_or_404(number)
    form = form_cls(prefix=prefix)
    if hasattr(form, "technician"):
        form.technician.choices, _loads = technician_choices(current_project(), None)
    if not form.validate_on_submit():
        message = "; ".join(str(m) for errs in form.errors.values() for m in errs)
        return order_page(order, status=422, error=message, block="actions")
    try:
        apply(order, form)
    except DomainError as e:
        db.session.rollback()
        return order_page(order_or_404(number), status=e.status, error=e.message, block="actions")
    response = redirect_to(url_for("desk.order", number=number))
    return add_trigger(response, "order-changed", number)


@bp.route("/repairs/<number>/dispatch", methods=["POST"])
@roles(DESK)
def dispatch(number: str):
    return _action(number, DispatchForm, "dispatch",
                   lambda o, f: repair_service.dispatch(actor(), o, f.technician.data))


@bp.route("/repairs/<number>/reassign", methods=["POST"])
@roles(DESK)
def reassign(number: str):
    return _action(number, ReassignForm, "reassign",
                   lambda o, f: repair_service.reassign(actor(), o, f.technician.data, f.reason.data))


@bp.route("/repairs/<number>/cancel", methods=["POST"])
@roles(DESK)
def cancel(number: str):
    return _action(number, CancelForm, "cancel",
                   lambda o, f: repair_service.cancel(actor(), o, f.reason.data))


@bp.route("/repairs/<number>/charge", methods=["POST"])
@roles(DESK)
def change_charge(number: str):
    """Who pays, changed after intake with a reason (e.g. the technician rings: it is a common part)."""
    from ..services.repairs import desk_charge
    return _action(number, ChargeChangeForm, "charge",
                   lambda o, f: desk_charge.change(actor(), o, f.charge_type.data, f.reason.data))


@bp.route("/repairs/<number>/print", methods=["GET", "POST"])
@roles(DESK)
def print_order(number: str):
    """POST (the order page's print buttons): with the resident's link as a QR code."""
    from ..services.residents.link import qr_data_uri
    size = "a4" if request.args.get("size") == "a4" else "a5"
    order = order_or_404(number)
    link = print_link(order)
    return render("print/repair_order.html", order=order, size=size, resident_url=link,
                  resident_qr=qr_data_uri(link) if link else None)


@bp.route("/repairs/<number>/sheet")
@roles(DESK)
def sheet(number: str):
    """The 派工单 with every revision; corrections are added here, never edited in place."""
    from ..tech.steps import sheet_page
    return sheet_page(order_or_404(number), "desk.signature", "desk.photo_file")


@bp.route("/repairs/<number>/signatures/<int:signature_id>")
@roles(DESK)
def signature(number: str, signature_id: int):
    from ..tech.steps import signature_file
    return signature_file(order_or_404(number), signature_id)


@bp.route(f"/repairs/<number>/photos/<int:photo_id>/<{SIZES}:size>")
@roles(DESK)
def photo_file(number: str, photo_id: int, size: str):
    return photo_response(order_or_404(number), photo_id, size)


@bp.route("/repairs/<number>/correct-sheet", methods=["POST"])
@roles(DESK)
def correct_sheet(number: str):
    from ..services.repairs.sheet import correct_sheet as correct
    return _action(number, CorrectSheetForm, "correct",
                   lambda o, f: correct(actor(), o, f.reason.data, f.description.data))

