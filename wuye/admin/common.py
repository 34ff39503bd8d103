"""The administration's blueprint and its one rule of reach: an admin administers every project, a
project manager only their own — anything else is a 404, not even confirmed to exist."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from ..extensions import db
from ..models import Project, Role
from ..numbers import get_by_id
from . import display

bp = Blueprint("admin", __name__, url_prefix="/admin")
display.register(bp)
ADMINS = (Role.ADMIN, Role.PROJECT_MANAGER)


def scoped_project(project_id: int) -> Project:
    project = get_by_id(Project, project_id)  # an id from a query may not fit the column: no project
    if project is None or (current_user.role != Role.ADMIN and current_user.project_id != project.id):
        abort(404)
    return project


def scoped(model, object_id: int):
    """An object of a project the user may administer, or 404."""
    obj = db.session.get(model, object_id)
    if obj is None or obj.project_id is None and current_user.role != Role.ADMIN:
        abort(404)
    if obj.project_id is not None:
        scoped_project(obj.project_id)
    return obj
