"""The delivery outbox for the administrator: what failed (and why), sending it again, the backlog."""
from __future__ import annotations

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..htmx import redirect_to, render
from ..models import Delivery, DeliveryState, Notification, Role, User
from ..permissions import roles
from ..services import delivery
from ..web import actor

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
    return render("deliveries/index.html", rows=rows, notices=notices, users=users, state=state, states=STATES,
                  backlog=delivery.backlog(), state_label=state_label)


@bp.route("/<int:delivery_id>/retry", methods=["POST"])
@roles(Role.ADMIN)
def retry(delivery_id: int):
    if db.session.get(Delivery, delivery_id) is None:
        abort(404)
    delivery.retry(actor(), delivery_id)
    return redirect_to(url_for("deliveries.index"))
