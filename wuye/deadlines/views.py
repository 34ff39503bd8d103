"""The escalation inbox: the open breaches of the project, for the CS supervisor and the project manager."""
from __future__ import annotations

from typing import NamedTuple

from flask import Blueprint
from flask_login import current_user

from ..htmx import render
from ..models import Deadline, Role
from ..permissions import roles
from ..services.deadlines import table as deadlines
from ..web import current_project

bp = Blueprint("deadlines", __name__, url_prefix="/desk")


class Row(NamedTuple):
    deadline: Deadline
    number: str
    link: str | None  # the subject's page for this reader: an order, a complaint
    unit: str
    reached: tuple[str, ...]


INBOX_ROLES = (Role.CS_SUPERVISOR, Role.PROJECT_MANAGER)


@bp.route("/escalations")
@roles(INBOX_ROLES)
def escalations():
    project = current_project()
    breaches = deadlines.open_breaches(project.id)
    subjects = {stype: deadlines.load_subjects(stype, [d.subject_id for d in breaches if d.subject_type == stype])
                for stype in {d.subject_type for d in breaches}}
    rows = []
    for d in breaches:
        subject = subjects[d.subject_type].get(d.subject_id)
        kind = deadlines.SUBJECTS[d.subject_type]
        unit = getattr(subject, "unit", None)  # an order's unit; other subjects may have none
        rows.append(Row(d, kind.number(subject) if subject else f"{d.subject_type} {d.subject_id}",
                        kind.link(subject, current_user) if subject else None,
                        unit.label if unit is not None else "", deadlines.reached(d)))
    return render("deadlines/escalations.html", block="inbox", rows=rows)
