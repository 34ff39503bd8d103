"""Small helpers every blueprint uses: who is acting, from where, and where their home is."""
from __future__ import annotations

from flask import abort, request, url_for
from flask_login import current_user

from .extensions import db
from .models import Project, Role, User
from .services import Actor


def client_address() -> str:
    return (request.remote_addr or "unknown")[:64]


def actor() -> Actor:
    return Actor(current_user._get_current_object(), client_address())


def current_project() -> Project:
    """The signed-in user's project; users without one (the admin) get 404 on project pages."""
    if current_user.project_id is None:
        abort(404)
    return db.session.get(Project, current_user.project_id)


HOMES = {
    Role.CLERK: "desk.board",
    Role.CS_SUPERVISOR: "desk.board",
    Role.PROJECT_MANAGER: "desk.board",
    Role.TECHNICIAN: "tech.home",
    Role.DEPT_HEAD: "complaints.board",  # handles the complaints of their department (B1)
    Role.HOUSING_OFFICER: "fees.index",
    Role.ADMIN: "admin.projects",
}


def home_url(user: User) -> str:
    return url_for(HOMES.get(user.role, "main.workbench"))
