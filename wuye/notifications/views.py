"""The notification list and the unread badge every page polls."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, url_for
from flask_login import current_user

from ..database import transaction
from ..extensions import db
from ..htmx import redirect_to, render
from ..models import Notification
from ..permissions import ANY_USER, roles
from ..services.notifications import mark_read, recent, unread_count

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("/")
@roles(ANY_USER)
def index():
    return render("notifications/index.html", notifications=recent(current_user.id))


@bp.route("/badge")
@roles(ANY_USER)
def badge():
    return render("notifications/_badge.html", unread=unread_count(current_user.id))


@bp.route("/<int:notification_id>/open", methods=["POST"])
@roles(ANY_USER)
def open_one(notification_id: int):
    n = db.session.get(Notification, notification_id)
    if n is None or n.user_id != current_user.id:
        abort(404)
    with transaction():
        mark_read(current_user.id, notification_id)
    return redirect_to(n.link or url_for("notifications.index"))


@bp.route("/read-all", methods=["POST"])
@roles(ANY_USER)
def read_all():
    with transaction():
        mark_read(current_user.id)
    return redirect(url_for("notifications.index"), code=303)
