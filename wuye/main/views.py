"""Landing, the generic workbench, and the health check."""
from __future__ import annotations

import os

from flask import Blueprint, current_app, jsonify, redirect, url_for
from flask_login import current_user
from sqlalchemy import text

from ..extensions import db
from ..htmx import render
from ..permissions import ANY_USER, PUBLIC, roles
from ..services.notifications import recent
from ..web import home_url

bp = Blueprint("main", __name__)


@bp.route("/")
@roles(PUBLIC)
def home():
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    return redirect(url_for("auth.login"))


@bp.route("/me")
@roles(ANY_USER)
def workbench():
    """Home of the roles whose own area comes in later issues: their notifications and shortcuts."""
    return render("main/workbench.html", notifications=recent(current_user.id, 20))


@bp.route("/healthz")
@roles(PUBLIC)
def healthz():
    """The database answers, the deadline watcher has ticked lately (wuye/watcher.py: health), and
    how many messages wait for delivery (once services.delivery exists: issue 13)."""
    from ..watcher import health
    try:
        db.session.execute(text("SELECT 1"))
        watcher, healthy = health(current_app)
        extra = _delivery_backlog()
        db.session.rollback()
    except Exception:  # the check exists to report exactly this
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return (jsonify(status="ok" if healthy else "error", database="ok", process=os.getpid(), **watcher, **extra),
            200 if healthy else 503)


def _delivery_backlog() -> dict:
    from ..services import delivery
    return {"delivery_backlog": delivery.backlog()}
