"""The escalation inbox: the open breaches of the project, for the CS supervisor and the project manager."""
from __future__ import annotations

from flask import Blueprint

from ..htmx import render
from ..models import Role
from ..permissions import roles
from ..services import deadlines
from ..web import current_project

bp = Blueprint("deadlines", __name__, url_prefix="/desk")

INBOX_ROLES = (Role.CS_SUPERVISOR, Role.PROJECT_MANAGER)


@bp.route("/escalations")
@roles(INBOX_ROLES)
def escalations():
    project = current_project()
    breaches = deadlines.open_breaches(project.id)
    subjects = {stype: deadlines.load_subjects(stype, [d.subject_id for d in breaches if d.subject_type == stype])
                for stype in {d.subject_type for d in breaches}}
    rows = [(d, subjects[d.subject_type].get(d.subject_id), deadlines.reached(d)) for d in breaches]
    return render("deadlines/escalations.html", block="inbox", rows=rows)
