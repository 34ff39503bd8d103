"""Administration: users, and disabling one (which ends all their logins at once)."""
from __future__ import annotations

from flask import Blueprint, abort, url_for
from sqlalchemy import select

from ..extensions import db
from ..htmx import redirect_to, render
from ..models import Role, User
from ..permissions import roles
from ..services.orgs import set_active
from ..web import actor

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@roles(Role.ADMIN)
def users():
    return render("admin/users.html", users=db.session.scalars(select(User).order_by(User.project_id, User.username)).all())


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>/disable", methods=["POST"])
@roles(Role.ADMIN)
def disable(user_id: int):
    set_active(actor(), _user_or_404(user_id), False)
    return redirect_to(url_for("admin.users"))


@bp.route("/users/<int:user_id>/enable", methods=["POST"])
@roles(Role.ADMIN)
def enable(user_id: int):
    set_active(actor(), _user_or_404(user_id), True)
    return redirect_to(url_for("admin.users"))
