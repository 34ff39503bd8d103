"""The delivery outbox for the administrator: what failed (and why), sending it again, the backlog."""
from __future__ import annotations

import re

from flask import Blueprint, abort, request, url_for
from flask_login import current_user
from flask_babel import gettext as _

from ..extensions import db
from ..htmx import redirect_to, render
from ..models import Delivery, DeliveryState, Notification, Role, User
from ..permissions import ANY_USER, roles
from ..services import DomainError, delivery
from ..web import actor
from ..workflow.repair import DESK

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
bp = Blueprint("deliveries", __name__, url_prefix="/admin/deliveries")
STATES = (DeliveryState.FAILED, DeliveryState.PENDING, DeliveryState.SENDING, DeliveryState.DELIVERED)


def channel_label(name: str) -> str:
    return {"wecom": _("WeCom"), "sms": _("SMS"), "email": _("Email"), "push": _("Web Push"),
            "log": _("Log")}.get(name, name)


def state_label(state: str) -> str:
    return {DeliveryState.FAILED: _("Failed"), DeliveryState.PENDING: _("Waiting"),
            DeliveryState.SENDING: _("Sending"), DeliveryState.DELIVERED: _("Delivered")}.get(state, state)


@bp.app_template_global()
def failed_deliveries(notifications) -> dict[int, list[Delivery]]:
    """For the notice list: which of these notices did not reach an outside channel."""
    return delivery.failed_by_notification([n.id for n in notifications])


@bp.app_template_global()
def resident_sms_on() -> bool:
    from ..services.delivery.residents import _sms
    ch = _sms()
    return ch is not None and ch.wants("resident_link")


@bp.app_template_global()
def mask_phone(phone: str) -> str:
    from ..phone import mask_phone as masked
    return masked(phone)


@bp.app_template_global()
def resident_sms_state(order, url: str | None = None) -> dict:
    """For the desk's link card: the order's SMS consent, and whether the link on screen (if any)
    already goes by SMS."""
    from ..models import ResidentMessage
    from ..services.delivery.consent import order_consent
    from ..services.residents.link import live_link_for
    shown = live_link_for(order, url.rsplit("/", 1)[-1]) if url else None
    sent = {(m.params or {}).get("link_id") for m in db.session.scalars(db.select(ResidentMessage).where(
        ResidentMessage.order_id == order.id, ResidentMessage.kind == "resident_link"))}
    return {"consent": order_consent(order), "link_queued": shown is not None and shown.id in sent}


@bp.app_template_global()
def delivery_channel_label(name: str) -> str:
    return channel_label(name)


@bp.route("/")
@roles(Role.ADMIN)
def index():
    state = request.args.get("state", DeliveryState.FAILED)
    if state not in STATES:
        state = DeliveryState.FAILED
    rows = delivery.listing(state)
    notices = {n.id: n for n in db.session.scalars(db.select(Notification).where(
        Notification.id.in_({d.notification_id for d in rows})))} if rows else {}
    users = {u.id: u for u in db.session.scalars(db.select(User).where(
        User.id.in_({n.user_id for n in notices.values()})))} if notices else {}
    from ..services.delivery.residents import text as resident_text
    residents = {d.id: resident_text(d.resident_message) for d in rows if d.resident_message_id}
    link_rows = {d.id for d in rows if d.resident_message_id and d.resident_message.kind == "resident_link"}
    retried = {"link": _("Sent again with a new link; the old link was revoked unless it had been opened."),
               "1": _("Sent again.")}.get(request.args.get("retried", ""))
    return render("deliveries/index.html", rows=rows, notices=notices, users=users, state=state, states=STATES,
                  residents=residents, link_rows=link_rows, retried=retried,
                  backlog=delivery.backlog(), state_label=state_label)


@bp.route("/<int:delivery_id>/retry", methods=["POST"])
@roles(Role.ADMIN)
def retry(delivery_id: int):
    found = db.session.get(Delivery, delivery_id)
    if found is None:
        abort(404)
    link = found.resident_message_id is not None and found.resident_message.kind == "resident_link"
    try:
        delivery.retry(actor(), delivery_id)
    except DomainError as e:
        db.session.rollback()
        abort(409, e.message)
    return redirect_to(url_for("deliveries.index", retried="link" if link else "1"))


settings_bp = Blueprint("message_settings", __name__, url_prefix="/settings")


def kind_label(kind: str) -> str:
    return {"repair_dispatched": _("New job"), "repair_dispatched_emergency": _("New emergency job"),
            "repair_reassigned_away": _("Job given to someone else"), "repair_cancelled": _("Job cancelled"),
            "repair_charge_changed": _("Who pays for a job changed"),
            "appointment_changed": _("Appointment moved"), "deadline_warn": _("Deadline near"),
            "deadline_breach": _("Deadline missed"), "deadline_escalate": _("Escalation"),
            "daily_digest": _("Daily digest")}.get(kind, kind)


@settings_bp.route("/messages", methods=["GET", "POST"])
@roles(ANY_USER)
def messages():
    """Which notices reach me on which outside channel (the in-app list always has them all)."""
    from ..services.delivery import rules
    # a person's own channels: not the log, not a department's group robot
    names = [n for n, c in delivery.configured_channels().items() if n != "log" and not hasattr(c, "group_key")]
    user = db.session.get(User, current_user.id)
    saved, error, status = False, None, 200
    email = rules.address_of(user.id, "email") or ""
    if request.method == "POST":
        email = request.form.get("email", "").strip()
        if email and (len(email) > 200 or not EMAIL.match(email)):
            error, status = _("Enter a valid email address."), 422
    if request.method == "POST" and error is None:
        chosen = set()
        for value in request.form.getlist("on"):
            kind, _sep, channel = value.partition(":")
            if kind in rules.CHOOSABLE_KINDS and channel in names:
                chosen.add((kind, channel))
        rules.set_preferences(actor(), user, chosen, names, email=email if "email" in names else None)
        saved = True
    prefs = rules.preferences(user.id)
    grid = [(kind, kind_label(kind), [(n, rules.wanted(user, kind, n, prefs)) for n in names])
            for kind in rules.CHOOSABLE_KINDS]
    return render("deliveries/settings.html", grid=grid, names=names, saved=saved, error=error, email=email,
                  status=status)


push_bp = Blueprint("push", __name__, url_prefix="/tech/push")


@push_bp.route("/key")
@roles(Role.TECHNICIAN)
def push_key():
    from flask import jsonify

    from ..services.delivery.push import WebPushChannel, public_key
    if not WebPushChannel.configured(current_app_config()):
        abort(404)
    return jsonify({"publicKey": public_key()})


@push_bp.route("/subscriptions", methods=["POST"])
@roles(Role.TECHNICIAN)
def push_subscribe():
    from flask import jsonify

    from ..services.delivery.push import save_subscription
    row = save_subscription(db.session.get(User, current_user.id), request.get_json(silent=True) or {})
    return jsonify({"id": row.id}), 201


def current_app_config() -> dict:
    from flask import current_app
    return current_app.config


@settings_bp.route("/resident-sms/<number>", methods=["POST"])
@roles(DESK)
def resident_sms(number: str):
    """The desk asked the contact, who agreed: the link on screen goes to them by SMS."""
    from ..models import RepairOrder
    from ..services.delivery.residents import send_link
    from ..services.residents import link as links
    order = db.session.scalar(db.select(RepairOrder).where(RepairOrder.number == number))
    if order is None or current_user.project_id != order.project_id:
        abort(404)
    token = (request.form.get("token") or "").strip()
    if not token or links.live_link_for(order, token) is None:
        abort(400)
    send_link(actor(), order, token)
    return redirect_to(url_for("desk.order", number=number))


@settings_bp.route("/resident-sms/<number>/withdraw", methods=["POST"])
@roles(DESK)
def resident_sms_withdraw(number: str):
    """The contact asked for no more SMS about this order (or the desk ticked it by mistake): audited."""
    from ..models import RepairOrder
    from ..services.delivery.consent import stop_sms
    order = db.session.scalar(db.select(RepairOrder).where(RepairOrder.number == number))
    if order is None or current_user.project_id != order.project_id:
        abort(404)
    stop_sms(actor(), order)
    return redirect_to(url_for("desk.order", number=number))
