"""The technician's job page and its steps: one POST per step, each self-contained so the offline
outbox (issue 5) can replay it. A step answers with the job page again (303 after success, 422
with the message when refused)."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, g, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from flask_wtf.csrf import generate_csrf

from .. import money
from ..clock import now as clock_now
from ..desk.forms import appointment_days, window_times
from ..services.orgs import window_choices
from ..extensions import db
from ..formkit import options
from ..htmx import redirect_to, render
from ..i18n import local_day, local_to_utc
from ..labels import STATES
from ..models import Project, RepairOrder, Role
from ..models.job import Invoice, PriceItem, Quote, SheetRevision, Signature, Visit, WorkNote
from ..permissions import roles
from ..photos import SIZES, by_kind, photo_response, photos_of
from ..database import prepared, transaction
from ..errors import error_response
from ..models.offline import IdempotencyRecord, RefusedAction
from ..services import DomainError, InvalidInput, idempotency
from ..services.deadlines import table as deadlines
from ..services.repairs import charging
from ..services.repairs import technician as svc
from ..services.repairs import quote as quoting
from ..services.repairs import sheet as dispatch_sheet
from ..numbers import id_or_zero
from ..services.audit import history, record
from ..services.repairs.uploads import path_of
from ..web import actor
from . import forms as f
from . import job_html

bp = Blueprint("job", __name__, url_prefix="/tech/jobs")


@prepared
def _job_statement():
    return select(RepairOrder).options(joinedload(RepairOrder.unit)).where(  # the unit: the page's title
        RepairOrder.project_id == bindparam("project_id"), RepairOrder.number == bindparam("number"))


@prepared
def _notes_statement():
    return select(WorkNote).where(WorkNote.order_id == bindparam("order_id")).order_by(WorkNote.id)


@prepared
def _invoice_statement():
    return select(Invoice).where(Invoice.order_id == bindparam("order_id"))


@prepared
def _applied_statement():
    return (select(IdempotencyRecord.key).where(IdempotencyRecord.user_id == bindparam("user_id"),
                                                IdempotencyRecord.location == bindparam("location"))
            .order_by(IdempotencyRecord.id.desc()).limit(200))


def my_job(number: str) -> RepairOrder:
    """The job, if it is this technician's; anything else is simply not there (404).

    One exception: a step sent for a job that was this technician's and has been reassigned
    (typically from the offline outbox) is told so (409), so the phone can explain it."""
    order = db.session.scalar(_job_statement(), {"project_id": current_user.project_id, "number": number})
    if order is not None and order.technician_id != current_user.id and request.method == "POST" \
            and _was_mine(order):
        raise Reassigned(order)
    if order is None or order.technician_id != current_user.id:
        abort(404)
    return order


class Reassigned(DomainError):
    def __init__(self, order: RepairOrder):
        super().__init__(_("This job is no longer yours: it was reassigned. Ask the front desk."))
        self.order = order


def _was_mine(order: RepairOrder) -> bool:
    return any(e.changes.get("technician_id") == current_user.id for e in history("repair_order", order.id)
               if e.action in ("dispatch", "reassign"))


_SHOWN = {"csrf": False}


def _cannot_fix_form(project: Project) -> f.CannotFixForm:
    form = f.CannotFixForm(prefix="cf", meta=_SHOWN)
    form.next_date.choices = options(appointment_days(local_day(clock_now(), project.timezone)))
    form.next_window.choices = options(window_choices(project.id))
    return form


def job_context(order: RepairOrder) -> dict:
    project = db.session.get(Project, order.project_id)
    visit = svc.current_visit(order)
    photos = photos_of(order)
    price_list, labour_rate = quoting.price_list_and_labour_rate(order.project_id)
    csrf = generate_csrf()
    g.timezone = project.timezone  # the job's project is the technician's: its times need no second look-up
    return {
        "order": order, "project": project, "visit": visit, "checklist": svc.CHECKLIST,
        "allowed": svc.REPAIR.available(order.state, Role.TECHNICIAN),
        "quote": quoting.accepted_quote(order),
        "price_list": price_list, "price_options": job_html.price_options(price_list), "labour_rate": labour_rate,
        "notes": db.session.scalars(_notes_statement(), {"order_id": order.id}).all(),
        "photos": photos, "photos_by_kind": by_kind(photos),
        "sheet": dispatch_sheet.latest_sheet(order),
        "invoice": db.session.scalar(_invoice_statement(), {"order_id": order.id}),
        "deadline": deadlines.running_by_subject("repair_order", [order.id]).get(order.id),
        # shown, never validated here: the page writes each form's CSRF input itself (fast_fields.csrf)
        "door_form": f.DoorForm(prefix="door", meta=_SHOWN), "quote_form": f.QuoteForm(prefix="q", meta=_SHOWN),
        "note_form": f.NoteForm(prefix="note", meta=_SHOWN), "photo_form": f.PhotoForm(prefix="photo", meta=_SHOWN),
        "pause_form": f.PauseForm(prefix="pause", meta=_SHOWN), "cannot_fix_form": _cannot_fix_form(project),
        "acceptance_form": f.AcceptanceForm(prefix="acc", meta=_SHOWN),
        "payment_form": f.PaymentForm(prefix="pay", meta=_SHOWN), "charge_form": f.ChargeForm(prefix="charge", meta=_SHOWN),
        "free": charging.is_free(order.charge_type),
        "csrf": csrf,  # the token found once (the fields are written by the `ff` template global)
        **job_html.helpers(order.state, order.number, csrf),
        # the state machine and its words, for the offline page to move on before the server answers
        "transitions": {**{n: t.target for n, t in svc.REPAIR.transitions.items()
                           if Role.TECHNICIAN in t.roles and t.target},
                        "no_charge": svc.REPAIR.target("pay")},
        "preparation_length": deadlines.rule_for(order.project_id, "preparation").length,
        "state_labels": {k: str(v) for k, v in STATES.items()},
        # the outbox keys this page already includes: the phone re-applies only the others
        "applied_keys": applied_keys(order),
    }


def applied_keys(order: RepairOrder) -> list[str]:
    return list(db.session.scalars(_applied_statement(), {
        "user_id": current_user.id, "location": url_for("job.job", number=order.number)}))


def job_page(order: RepairOrder, status: int = 200, error: str | None = None):
    return render("tech/job.html", status=status, error=error, **job_context(order))


@bp.route("/<number>")
@roles(Role.TECHNICIAN)
def job(number: str):
    return job_page(my_job(number))


def _happened_at(form: f.StepForm) -> datetime | None:
    raw = (form.happened_at.data or "").strip()
    if not raw:
        return None
    try:
        at = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(_("The time of this action is not a valid time.")) from None
    if at.tzinfo is None:
        raise InvalidInput(_("The time of this action has no time zone."))
    return at


def _execute(number: str, form_cls, prefix: str, apply):
    """Validate the step's form and run the service: (response, refusal message or None)."""
    try:
        order = my_job(number)
    except Reassigned as e:
        return error_response(409, e.message), (409, e.message, None)
    form = form_cls(prefix=prefix)
    if not form.validate_on_submit():
        message = "; ".join(str(m) for errs in form.errors.values() for m in errs) or _("Some fields need correcting.")
        return job_page(order, 422, message), (422, message, None)
    try:
        at = _happened_at(form)
        apply(svc.Step(actor(), order, at), form)
    except DomainError as e:
        db.session.rollback()
        return job_page(my_job(number), e.status, e.message), (e.status, e.message, None)
    return redirect_to(url_for("job.job", number=number)), None


def still_running():
    """A copy of this action is being processed right now: the phone should simply try later."""
    body, status = error_response(409, _("This action is still being processed; try again shortly."))
    return body, status, {"Retry-After": "2"}


def _stored(record, claim):
    if record.request_digest != claim.digest:
        return error_response(422, _("This action key was already used for a different action."))
    return redirect_to(record.location)


def _run(number: str, form_cls, prefix: str, apply):
    """One step. With an Idempotency-Key (the offline outbox sends one) it happens exactly once."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return _execute(number, form_cls, prefix, apply)[0]
    if not idempotency.KEY_RE.match(key):
        return error_response(400, _("The action key is malformed."))
    try:
        order = my_job(number)
    except Reassigned as e:
        order = e.order
    claim = idempotency.Claim(current_user.id, key, idempotency.request_digest(),
                              url_for("job.job", number=number))
    existing = idempotency.lookup(current_user.id, key)
    if existing is not None:
        return _stored(existing, claim)
    try:
        token = idempotency.begin(claim)
    except idempotency.StillRunning:
        return still_running()
    refusal = None
    try:
        response, refusal = _execute(number, form_cls, prefix, apply)
    except idempotency.Replayed as r:
        db.session.rollback()
        response = _stored(r.record, claim)
    except idempotency.StillRunning:
        db.session.rollback()
        response = still_running()
    except IntegrityError:
        # a copy of this action committed first: ours is rolled back whole, theirs is the answer
        db.session.rollback()
        stored = idempotency.lookup(current_user.id, key)
        if stored is None:
            raise
        response = _stored(stored, claim)
    finally:
        idempotency.end(claim, token)
    if refusal is not None:
        status, message, _unused = refusal
        record_refusal(order, key, request.endpoint.split(".")[-1], status, message, request.form.get(f"{prefix}-happened_at"))
    return response


def record_refusal(order: RepairOrder, key: str, action: str, status: int, message: str, happened_raw: str | None):
    """Keep a refused offline action where the desk sees it (once per key)."""
    try:
        happened_at = datetime.fromisoformat(happened_raw.replace("Z", "+00:00")) if happened_raw else None
        if happened_at is not None and happened_at.tzinfo is None:
            happened_at = None
    except ValueError:
        happened_at = None
    with transaction():
        if db.session.scalar(select(RefusedAction).where(RefusedAction.user_id == current_user.id,
                                                         RefusedAction.key == key)) is None:
            db.session.add(RefusedAction(user_id=current_user.id, key=key, order_id=order.id, action=action,
                                         status_code=status, message=message, happened_at=happened_at))
            record(actor(), "offline_refused", "repair_order", order.id, order.project_id, step=action,
                   message=message)


def step(name: str, form_cls=f.StepForm, prefix: str = "s"):
    """Register POST /tech/jobs/<number>/<name> running `apply(step, form)`."""
    def register(apply):
        def view(number: str):
            return _run(number, form_cls, prefix, apply)
        view.__name__ = name
        bp.add_url_rule(f"/<number>/{name}", endpoint=name, view_func=roles(Role.TECHNICIAN)(view),
                        methods=["POST"])
        return apply
    return register


@step("accept")
def _accept(s, form):
    svc.accept(s)


@step("tick", f.TickForm, "tick")
def _tick(s, form):
    svc.tick(s, form.item.data, form.checked.data)


@step("depart")
def _depart(s, form):
    svc.depart(s)


@step("arrive")
def _arrive(s, form):
    svc.arrive(s)


@step("door", f.DoorForm, "door")
def _door(s, form):
    svc.at_door(s, form.shoe_choice.data, form.furniture_consent.data)


def quote_input(form: f.QuoteForm) -> quoting.QuoteInput:
    """Material lines come as parallel lists: q-item, q-name, q-unit, q-qty, q-price, q-reason."""
    get = request.form.getlist
    lines = []
    rows = zip(get("q-item"), get("q-name"), get("q-unit"), get("q-qty"), get("q-price"), get("q-reason"))
    for item, name, unit, qty, price, reason in rows:
        if not (item or name.strip()):
            continue
        listed = db.session.get(PriceItem, id_or_zero(item)) if item.strip() else None
        if item.strip() and listed is None:
            raise InvalidInput(_("Choose materials from this project's price list."))
        try:
            lines.append(quoting.QuoteLineInput(
                name=name.strip() or (listed.name if listed else ""), unit=(unit or (listed.unit if listed else ""))[:10],
                quantity_milli=money.parse_quantity(qty),
                unit_price_fen=money.parse_yuan(price) if price.strip() else (listed.price_fen if listed else 0),
                price_item_id=listed.id if listed else None, price_reason=reason))
        except money.NumberError as e:
            raise InvalidInput(e.message) from None
    if len(lines) > 20:
        raise InvalidInput(_("At most 20 material lines."))
    return quoting.QuoteInput(labour_minutes=form.labour_hours.value, lines=lines)


def _signature_bytes(form) -> bytes | None:
    file = form.signature.data
    return file.read(svc.uploads.SIGNATURE_MAX_BYTES + 1) if file else None


@step("consent", f.QuoteForm, "q")
def _consent(s, form):
    svc.consent(s, quote_input(form), _signature_bytes(form), shown_charge=form.charge_type.data or None)


@step("decline", f.QuoteForm, "q")
def _decline(s, form):
    svc.decline(s, quote_input(form), form.decline_reason.data)


@step("note", f.NoteForm, "note")
def _note(s, form):
    svc.note(s, form.text.data)


@step("photo", f.PhotoForm, "photo")
def _photo(s, form):
    file = form.photo.data
    svc.photo(s, form.kind.data, file.read(svc.uploads.PHOTO_MAX_BYTES + 1) if file else None)


@step("pause", f.PauseForm, "pause")
def _pause(s, form):
    svc.pause(s, form.reason.data)


@step("resume")
def _resume(s, form):
    svc.resume(s)


@step("cannot_fix", f.CannotFixForm, "cf")
def _cannot_fix(s, form):
    project = db.session.get(Project, s.order.project_id)
    try:
        day = datetime.fromisoformat(form.next_date.data).date()
        t0, t1 = window_times(form.next_window.data)
    except ValueError:
        raise InvalidInput(_("Agree the next visit's date and time window with the customer.")) from None
    svc.cannot_fix(s, form.reason.data, local_to_utc(day, t0, project.timezone), local_to_utc(day, t1, project.timezone))


@step("finish")
def _finish(s, form):
    svc.finish(s)


@step("sign_acceptance", f.AcceptanceForm, "acc")
def _sign(s, form):
    svc.sign_acceptance(s, form.demonstrated.data, _signature_bytes(form))


@step("pay", f.PaymentForm, "pay")
def _pay(s, form):
    svc.pay(s, svc.PaymentInput(method=form.method.data, amount_fen=form.amount.value,
                                receipt_no=form.receipt_no.data, invoice_wanted=form.invoice_wanted.data,
                                difference_reason=form.difference_reason.data))


@step("change_charge", f.ChargeForm, "charge")
def _change_charge(s, form):
    svc.change_charge(s, form.charge_type.data, form.reason.data)


@step("no_charge")
def _no_charge(s, form):
    """A free repair with ¥0 due closes like a paid one, without a money step (no receipt, no cash)."""
    svc.pay(s, svc.PaymentInput(method=svc.NO_CHARGE, amount_fen=0, receipt_no=""))


@step("invoice_delivered")
def _delivered(s, form):
    svc.deliver_invoice(s)


@bp.route("/<number>/show")
@roles(Role.TECHNICIAN)
def show(number: str):
    """给客户看: the order in large type, to hand the phone to the customer."""
    order = my_job(number)
    return render("tech/show.html", order=order, quote=quoting.accepted_quote(order),
                  draft=db.session.scalar(select(Quote).where(Quote.order_id == order.id)
                                          .order_by(Quote.revision.desc()).limit(1)))


@bp.route("/<number>/sheet")
@roles(Role.TECHNICIAN)
def sheet(number: str):
    return sheet_page(my_job(number), "job.signature", "job.photo_file")


def sheet_page(order: RepairOrder, signature_endpoint: str, photo_endpoint: str):
    sheets = db.session.scalars(select(SheetRevision).where(SheetRevision.order_id == order.id)
                                .order_by(SheetRevision.revision)).all()
    return render("print/dispatch_sheet.html", order=order, quote=quoting.accepted_quote(order), sheets=sheets,
                  intact={s.id: dispatch_sheet.sheet_intact(s) for s in sheets}, signature_endpoint=signature_endpoint,
                  photo_endpoint=photo_endpoint, photos=by_kind(photos_of(order)),
                  visits=db.session.scalars(select(Visit).where(Visit.order_id == order.id).order_by(Visit.number)).all(),
                  payment=db.session.scalar(select(svc.Payment).where(svc.Payment.order_id == order.id)),
                  events=history("repair_order", order.id))


def signature_file(order: RepairOrder, signature_id: int):
    sig = db.session.get(Signature, signature_id)
    if sig is None or sig.order_id != order.id:
        abort(404)
    response = send_file(path_of("signatures", sig.png_sha256), mimetype="image/png", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<number>/signatures/<int:signature_id>")
@roles(Role.TECHNICIAN)
def signature(number: str, signature_id: int):
    return signature_file(my_job(number), signature_id)


@bp.route(f"/<number>/photos/<int:photo_id>/<{SIZES}:size>")
@roles(Role.TECHNICIAN)
def photo_file(number: str, photo_id: int, size: str):
    return photo_response(my_job(number), photo_id, size)
