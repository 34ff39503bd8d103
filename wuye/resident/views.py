"""/s/<token>: the resident follows the order, sends the 服务单 and may ask for another time.

Every request here is counted against its client address first (services.resident.guard); an
unknown and a revoked token get the very same 404. The security headers of /s/ are set in
wuye/security.py, for every answer under the prefix, errors included.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from ..clock import now as clock_now
from ..extensions import db
from ..formkit import options
from ..htmx import add_trigger, is_fragment_request, redirect_to, render
from ..i18n import local_day, local_to_utc
from ..models import Project, RepairOrder
from ..permissions import PUBLIC, roles
from ..photos import KINDS, SIZES, by_kind, photo_response, photos_of
from ..services import DomainError
from ..services.residents import appointments
from ..services.residents import link as svc
from ..services.residents import service_form as forms_svc
from ..web import client_address
from ..services.orgs import window_choices
from .forms import ChangeRequestForm, CompletedServiceForm, DeclinedServiceForm

bp = Blueprint("resident", __name__)
PAGE = "resident/page.html"


def _message(status: int, message: str) -> Response:
    # no CSRF token and nothing of the session in it: every refusal reads the same to everyone
    return Response(render_template("resident/message.html", status=status, message=message), status)


@bp.before_request
def _guard():
    token = (request.view_args or {}).get("token")
    if token is None:
        return None  # robots.txt
    try:
        link = svc.guard(token, client_address())
    except svc.Throttled:
        return _message(429, _("Too many requests from your network. Please wait a few minutes and try again."))
    if link is None:
        return _message(404, _("This link is not valid. Please ask the service desk for a new one."))
    g.resident_link = link
    g.resident_order = db.session.get(RepairOrder, link.order_id)
    g.timezone = db.session.get(Project, g.resident_order.project_id).timezone


def _service_form(order: RepairOrder, data=None):
    cls = DeclinedServiceForm if order.state == "declined" else CompletedServiceForm
    form = cls(formdata=data) if data is not None else cls()
    return form


def _filled(form, existing):
    for name in ("overall", "timeliness", "attitude", "quality", "declined_reason", "comments"):
        if hasattr(form, name):
            getattr(form, name).data = getattr(existing, name)
    return form


def _days(order: RepairOrder) -> list[tuple[str, str]]:
    tz = g.timezone
    today = local_day(clock_now(), tz)
    out = [("", "—")]
    for i in range(1, appointments.MAX_DAYS_AHEAD + 1):
        day = today + timedelta(days=i)
        out.append((day.isoformat(), format_date(day, "MM-dd EEE")))
    return out


def _change_form() -> ChangeRequestForm:
    form = ChangeRequestForm(prefix="move")
    form.day.choices = options(_days(g.resident_order))
    form.window.choices = options(window_choices(g.resident_order.project_id))
    return form


def _page(block: str | None = None, status: int = 200, form=None, editing: bool = False,
          change_form=None, error: str | None = None, sent: bool = False, seen: str | None = None,
          stale: bool = False):
    order = g.resident_order
    v = svc.view(order)
    if form is None and v.form_open:
        form = _service_form(order)
        if editing and v.form:
            _filled(form, v.form)
    return render(PAGE, block=block, status=status, v=v, token=request.view_args["token"], form=form,
                  editing=editing, change_form=change_form or _change_form(), error=error, sent=sent,
                  seen=forms_svc.version(v.form) if seen is None else seen, stale=stale,
                  poll_seconds=current_app.config["WUYE_LINK_POLL_SECONDS"],
                  decline_reasons=forms_svc.DECLINE_REASONS, oob=is_fragment_request(),
                  photos=[] if block and is_fragment_request() else by_kind(photos_of(order, KINDS)))


@bp.route("/s/<token>")
@roles(PUBLIC)
def page(token: str):
    return _page(block="live")


@bp.route("/s/<token>/form", methods=["GET", "POST"])
@roles(PUBLIC)
def service_form(token: str):
    """GET: the form to change the answers; POST: send or change them."""
    order = g.resident_order
    if not forms_svc.form_open(order):
        abort(409)
    existing = forms_svc.form_for(order)
    if request.method == "GET":
        return _page(block="feedback", editing=existing is not None)
    form = _service_form(order, request.form)
    seen = request.form.get("version", "")[:64]  # the answers this form was opened on
    if not form.validate():
        return _page(block="feedback", status=422, form=form, editing=existing is not None, seen=seen)
    answers = forms_svc.Answers(
        overall=form.overall.data, timeliness=form.timeliness.data, attitude=form.attitude.data,
        quality=form.quality.data if hasattr(form, "quality") else None, comments=form.comments.data or "",
        declined_reason=form.declined_reason.data if hasattr(form, "declined_reason") else None)
    try:
        if existing is None:
            forms_svc.submit(g.resident_link, answers, client_address(), seen=seen)
        else:
            forms_svc.change(g.resident_link, answers, client_address(), seen=seen)
    except forms_svc.StaleAnswers as e:
        db.session.rollback()
        # the saved answers above, the resident's new ones in the form below, opened on the saved version
        return _page(block="feedback", status=e.status, form=form, editing=True, error=e.message, stale=True)
    except DomainError as e:
        db.session.rollback()
        return _page(block="feedback", status=e.status, form=form, editing=existing is not None, error=e.message,
                     seen=seen)
    if not is_fragment_request():
        return redirect_to(url_for("resident.page", token=token))
    return _page(block="feedback", sent=True)


@bp.route("/s/<token>/appointment", methods=["POST"])
@roles(PUBLIC)
def change_appointment(token: str):
    """The resident asks for another time; the service desk answers on the order page."""
    form = _change_form()
    if not form.validate_on_submit():
        return _page(block="change_request", status=422, change_form=form)
    from ..desk.forms import window_times
    t0, t1 = window_times(form.window.data)
    day = date.fromisoformat(form.day.data)
    try:
        appointments.request_change(g.resident_link, local_to_utc(day, t0, g.timezone), local_to_utc(day, t1, g.timezone),
                           form.note.data or "", client_address())
    except DomainError as e:
        db.session.rollback()
        return _page(block="change_request", status=e.status, change_form=form, error=e.message)
    if not is_fragment_request():
        return redirect_to(url_for("resident.page", token=token))
    return add_trigger(_page(block="change_request", sent=True), "resident-changed")


@bp.route(f"/s/<token>/photos/<int:photo_id>/<{SIZES}:size>")
@roles(PUBLIC)
def photo_file(token: str, photo_id: int, size: str):
    """The resident's own order's photos of before and after the work, and no other."""
    return photo_response(g.resident_order, photo_id, size, kinds=KINDS)


@bp.route("/robots.txt")
@roles(PUBLIC)
def robots():
    return Response("User-agent: *\nDisallow: /s/\n", mimetype="text/plain")
